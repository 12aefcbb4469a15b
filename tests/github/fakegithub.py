"""A local GitHub-compatible REST server for tests: real HTTP, OpenAPI-checked, with faults."""

from __future__ import annotations

import copy
import functools
import json
import math
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

from tests.github import openapi
from tests.support import NODE_MODULES

EXAMPLES_PATH = NODE_MODULES / "@octokit" / "webhooks-examples" / "api.github.com" / "index.json"
TOKEN = "test-token"  # noqa: S105 - a fake token the fake server accepts
BOT_LOGIN = "github-actions[bot]"
# The reaction keys of GitHub's reaction rollup, in its order.
REACTIONS = ("+1", "-1", "laugh", "hooray", "confused", "heart", "rocket", "eyes")
DOCS = "https://docs.github.com/rest"
FAULT_KINDS = frozenset({"502", "secondary", "429", "primary", "slow", "404", "422"})
# The site's settings without GitHub's pauses and retry waits (pass with --settings).
UNPAUSED_SETTINGS = Path(__file__).with_name("unpaused.py")
# GitHub's longest comment body, in characters, and how it refuses a longer one.
MAX_BODY = 65536
EPOCH = datetime(2012, 9, 10, 12, 0, tzinfo=UTC)

JSON = dict[str, Any]


def iso(moment: datetime) -> str:
    """GitHub's timestamp format: UTC with a Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@functools.cache
def _examples() -> dict[str, list[JSON]]:
    entries = json.loads(EXAMPLES_PATH.read_text(encoding="utf-8"))
    return {entry["name"]: entry["examples"] for entry in entries}


def webhook_examples(name: str) -> list[JSON]:
    """Real webhook payloads of one event (e.g. "issues"), deep-copied."""
    return copy.deepcopy(_examples()[name])


def _template(name: str, key: str, pick: Callable[[JSON], bool] = lambda _: True) -> JSON:
    # Copy only the chosen payload: copying all of them per call made seeding 7x slower.
    return copy.deepcopy(next(example[key] for example in _examples()[name] if pick(example)))


@dataclass(frozen=True)
class Request:
    """One request the server received, and the status it answered."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    status: int


@dataclass
class Fault:
    """An injected failure for requests matching method and path (a regex), `times` times."""

    method: str
    path: str
    kind: str
    times: int = 1
    delay: float = 0.0

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}")

    def matches(self, method: str, path: str) -> bool:
        return (
            self.times > 0 and method == self.method and re.fullmatch(self.path, path) is not None
        )


@dataclass
class Reply:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


class FakeGitHub:
    """The state of one repository on a fake GitHub, served over HTTP on 127.0.0.1."""

    def __init__(self, owner: str = "verhalenbank", name: str = "verhalenbank") -> None:
        self.owner, self.name = owner, name
        self.issues: dict[int, JSON] = {}
        self.comments: dict[int, JSON] = {}
        self.labels: dict[str, JSON] = {}
        self.closers: dict[int, str] = {}
        # The repository's workflows by file name (GitHub also takes a file name as its id).
        self.workflows: dict[str, JSON] = {}
        self.requests: list[Request] = []
        self.faults: list[Fault] = []
        # Called with (method, path, query) before a request is answered, e.g. to change data
        # while a client reads later pages.
        self.hooks: list[Callable[[str, str, dict[str, str]], None]] = []
        self.schema_errors: list[str] = []
        self.clock = EPOCH
        self.rate_remaining = 5000
        self._ids = 1000
        self._lock = threading.RLock()
        # Requests being answered: a client killed mid-request leaves its request to finish here,
        # as GitHub finishes it (see settle).
        self._answering = 0
        self._answered = threading.Condition()
        self._server = _Server(("127.0.0.1", 0), _handler_for(self))
        self._server.block_on_close = False
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    # --- lifecycle -------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    def start(self) -> FakeGitHub:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # --- seeding ---------------------------------------------------------------------------------
    def _next_id(self) -> int:
        self._ids += 1
        return self._ids

    def tick(self) -> str:
        """Advance the server clock by one second (each write happens at a new moment)."""
        self.clock += timedelta(seconds=1)
        return iso(self.clock)

    def _rehost(self, data: JSON) -> JSON:
        """Point every URL of a real payload at this server and this repository."""
        text = json.dumps(data)
        text = text.replace("https://api.github.com/", f"{self.url}/")
        text = text.replace("https://github.com/", f"{self.url}/")
        text = re.sub(r"https://avatars\d*\.githubusercontent\.com/", f"{self.url}/avatars/", text)
        text = text.replace("Codertocat/Hello-World", self.full_name)
        return json.loads(text)

    def user(self, login: str, *, user_type: str = "User") -> JSON:
        """A simple-user object from a real payload, renamed; the id is stable per login."""
        user = self._rehost(_template("issues", "issue", lambda e: e["action"] == "opened")["user"])
        user_id = 10_000 + sum(ord(char) * 31**i for i, char in enumerate(login)) % 9_000_000
        text = json.dumps(user).replace("Codertocat", quote(login))
        user = json.loads(text)
        user.update(login=login, id=user_id, node_id=f"U_{user_id}", type=user_type)
        return user

    def add_label(self, name: str, color: str = "ededed", description: str | None = None) -> JSON:
        template = self._rehost(_template("label", "label"))
        label_id = self._next_id()
        template.update(
            id=label_id,
            node_id=f"LA_{label_id}",
            url=f"{self.api}/labels/{quote(name, safe='')}",
            name=name,
            color=color,
            default=False,
            description=description,
        )
        self.labels[name] = template
        return template

    def _label(self, name: str) -> JSON:
        return self.labels.get(name) or self.add_label(name)

    @property
    def api(self) -> str:
        return f"{self.url}/repos/{self.full_name}"

    def add_issue(
        self,
        *,
        number: int | None = None,
        title: str = "Een verhaal",
        body: str | None = "",
        labels: tuple[str, ...] = ("verhaal",),
        login: str = "anna",
        created_at: str | None = None,
        updated_at: str | None = None,
        state: str = "open",
        state_reason: str | None = None,
        reactions: dict[str, int] | None = None,
        pull_request: bool = False,
        author_association: str = "NONE",
    ) -> JSON:
        """An issue built from a real `issues` webhook payload, with our fields."""
        with self._lock:
            opened = "opened"
            if pull_request:
                issue = self._rehost(
                    _template("issues", "issue", lambda e: "pull_request" in e["issue"])
                )
            else:
                issue = self._rehost(_template("issues", "issue", lambda e: e["action"] == opened))
            number = number or max([*self.issues, 0]) + 1
            created = created_at or iso(self.clock)
            kind = "pull" if pull_request else "issues"
            issue.update(
                id=self._next_id(),
                node_id=f"I_{number}",
                number=number,
                title=title,
                body=body,
                user=self.user(login),
                labels=[self._label(name) for name in labels],
                state=state,
                state_reason=state_reason,
                locked=False,
                assignee=None,
                assignees=[],
                milestone=None,
                comments=0,
                created_at=created,
                updated_at=updated_at or created,
                closed_at=(updated_at or created) if state == "closed" else None,
                author_association=author_association,
                active_lock_reason=None,
                url=f"{self.api}/issues/{number}",
                repository_url=self.api,
                labels_url=f"{self.api}/issues/{number}/labels{{/name}}",
                comments_url=f"{self.api}/issues/{number}/comments",
                events_url=f"{self.api}/issues/{number}/events",
                timeline_url=f"{self.api}/issues/{number}/timeline",
                html_url=f"{self.url}/{self.full_name}/{kind}/{number}",
                reactions=self._rollup(number, reactions or {}),
            )
            if pull_request:
                issue["pull_request"] = {
                    "url": f"{self.api}/pulls/{number}",
                    "html_url": f"{self.url}/{self.full_name}/pull/{number}",
                    "diff_url": f"{self.url}/{self.full_name}/pull/{number}.diff",
                    "patch_url": f"{self.url}/{self.full_name}/pull/{number}.patch",
                    "merged_at": None,
                }
            self.issues[number] = issue
            return issue

    def _rollup(self, number: int, counts: dict[str, int]) -> JSON:
        rollup: JSON = {"url": f"{self.api}/issues/{number}/reactions"}
        rollup.update({key: counts.get(key, 0) for key in REACTIONS})
        rollup["total_count"] = sum(counts.get(key, 0) for key in REACTIONS)
        return rollup

    def set_reactions(self, number: int, counts: dict[str, int]) -> None:
        """Change the reactions; like GitHub, this does not change the issue's updated_at."""
        with self._lock:
            self.issues[number]["reactions"] = self._rollup(number, counts)

    def update_issue(self, number: int, *, by: str | None = None, **fields: Any) -> JSON:
        """Change an issue as a person would on GitHub (labels by name); bumps updated_at.
        by: who closes it (default its author); like GitHub, only the issue itself (not the
        list) names who closed it."""
        with self._lock:
            issue = self.issues[number]
            if fields.get("state") == "closed":
                self.closers[number] = by or issue["user"]["login"]
            if "labels" in fields:
                fields["labels"] = [self._label(name) for name in fields["labels"]]
            issue.update(fields)
            issue["updated_at"] = self.tick()
            if fields.get("state") == "closed":
                issue["closed_at"] = issue["updated_at"]
            return issue

    def add_comment(
        self,
        number: int,
        body: str,
        *,
        login: str = "anna",
        user_type: str = "User",
        author_association: str = "NONE",
        created_at: str | None = None,
        updated_at: str | None = None,
    ) -> JSON:
        """A comment built from a real `issue_comment` payload; bumps the issue like GitHub."""
        with self._lock:
            comment = self._rehost(_template("issue_comment", "comment"))
            comment_id = self._next_id()
            created = created_at or self.tick()
            comment.update(
                id=comment_id,
                node_id=f"IC_{comment_id}",
                url=f"{self.api}/issues/comments/{comment_id}",
                html_url=f"{self.url}/{self.full_name}/issues/{number}#issuecomment-{comment_id}",
                issue_url=f"{self.api}/issues/{number}",
                body=body,
                user=self.user(login, user_type=user_type),
                created_at=created,
                updated_at=updated_at or created,
                author_association=author_association,
                performed_via_github_app=None,
                reactions=self._rollup(number, {})
                | {"url": f"{self.api}/issues/comments/{comment_id}/reactions"},
            )
            self.comments[comment_id] = comment
            issue = self.issues[number]
            issue["comments"] += 1
            issue["updated_at"] = max(issue["updated_at"], comment["updated_at"])
            return comment

    def issue_comments(self, number: int) -> list[JSON]:
        url = f"{self.api}/issues/{number}"
        return [c for c in self.comments.values() if c["issue_url"] == url]

    def label_names(self, number: int) -> list[str]:
        return sorted(label["name"] for label in self.issues[number]["labels"])

    # --- inspection ------------------------------------------------------------------------------
    def inject(
        self, method: str, path: str, kind: str, *, times: int = 1, delay: float = 0.0
    ) -> Fault:
        fault = Fault(method, path, kind, times, delay)
        with self._lock:
            self.faults.append(fault)
        return fault

    def calls(self, method: str | None = None, path: str | None = None) -> list[Request]:
        """The requests received, filtered by method and by path (a regex, full match)."""
        with self._lock:
            return [
                request
                for request in self.requests
                if (method is None or request.method == method)
                and (path is None or re.fullmatch(path, request.path))
            ]

    def reset_log(self) -> None:
        with self._lock:
            self.requests.clear()

    # --- serving ---------------------------------------------------------------------------------
    def settle(self, timeout: float = 30.0) -> None:
        """Wait until every request received so far is answered: the writes of a client killed
        mid-request are done before the next client starts, as they are on GitHub long before
        the next scheduled run (a loaded machine can delay them past a new process's start)."""
        with self._answered:
            if not self._answered.wait_for(lambda: self._answering == 0, timeout):
                raise TimeoutError("the fake GitHub is still answering")

    def handle(self, method: str, target: str, body: Any, headers: dict[str, str]) -> Reply:
        """Answer one request; every answer is checked against the OpenAPI description."""
        with self._answered:
            self._answering += 1
        try:
            return self._handle(method, target, body, headers)
        finally:
            with self._answered:
                self._answering -= 1
                self._answered.notify_all()

    def _handle(self, method: str, target: str, body: Any, headers: dict[str, str]) -> Reply:
        split = urlsplit(target)
        path = split.path
        query = {
            key: values[-1] for key, values in parse_qs(split.query, keep_blank_values=True).items()
        }
        for hook in list(self.hooks):
            hook(method, path, query)
        with self._lock:
            fault = next((f for f in self.faults if f.matches(method, path)), None)
            if fault is not None:
                fault.times -= 1
        if fault is not None and fault.kind == "slow":
            time.sleep(fault.delay)
            fault = None
        template, reply = self._route(method, path, query, body, headers, fault)
        with self._lock:
            self.requests.append(Request(method, path, query, body, reply.status))
            self.rate_remaining = max(self.rate_remaining - 1, 0)
            if template is not None:
                self.schema_errors.extend(openapi.request_errors(method, template, body))
                self.schema_errors.extend(
                    openapi.response_errors(method, template, reply.status, reply.body)
                )
            elif reply.status != 404:
                self.schema_errors.append(
                    f"{method} {path}: answered {reply.status} off the description"
                )
        reply.headers.update(self._rate_headers(reply))
        return reply

    def _rate_headers(self, reply: Reply) -> dict[str, str]:
        headers = {
            "x-ratelimit-limit": "5000",
            "x-ratelimit-remaining": str(self.rate_remaining),
            "x-ratelimit-reset": str(int(time.time()) + 3600),
            "x-ratelimit-used": str(5000 - self.rate_remaining),
            "x-ratelimit-resource": "core",
        }
        return {key: value for key, value in headers.items() if key not in reply.headers}

    def _route(
        self,
        method: str,
        path: str,
        query: dict[str, str],
        body: Any,
        headers: dict[str, str],
        fault: Fault | None,
    ) -> tuple[str | None, Reply]:
        for route_method, pattern, template, handler in _ROUTES:
            match = re.fullmatch(pattern, path)
            if route_method != method or match is None:
                continue
            params = match.groupdict()
            if "owner" in params and (params.pop("owner"), params.pop("repo")) != (
                self.owner,
                self.name,
            ):
                return template, _error(404, "Not Found")
            if headers.get("authorization", "") not in {f"token {TOKEN}", f"Bearer {TOKEN}"}:
                return template, _error(401, "Bad credentials")
            if fault is not None:
                return template, _fault_reply(fault)
            with self._lock:
                return template, handler(self, query, body, **params)
        return None, _error(404, "Not Found")

    # --- handlers -------------------------------------------------------------------------------
    def _page(self, items: list[JSON], query: dict[str, str], path: str) -> Reply:
        """One page of a list with GitHub's Link header (first, prev, next, last)."""
        per_page = min(int(query.get("per_page", "30")), 100)
        page = max(int(query.get("page", "1")), 1)
        last = max(math.ceil(len(items) / per_page), 1)
        links = []

        def link(number: int, rel: str) -> str:
            params = urlencode({**query, "per_page": per_page, "page": number})
            return f'<{self.url}{path}?{params}>; rel="{rel}"'

        if page < last:
            links += [link(page + 1, "next"), link(last, "last")]
        if page > 1:
            links += [link(1, "first"), link(min(page - 1, last), "prev")]
        headers = {"link": ", ".join(links)} if links else {}
        return Reply(200, items[(page - 1) * per_page : page * per_page], headers)

    def get_repo(self, query: dict[str, str], body: Any) -> Reply:
        example = openapi.spec()["components"]["examples"]["full-repository"]["value"]
        repo = self._rehost(copy.deepcopy(example))
        text = json.dumps(repo).replace("octocat/Hello-World", self.full_name)
        repo = json.loads(text)
        # The description's own example lacks this required field.
        repo.update(name=self.name, full_name=self.full_name, url=self.api, has_discussions=False)
        return Reply(200, repo)

    def list_issues(self, query: dict[str, str], body: Any) -> Reply:
        wanted = {name for name in query.get("labels", "").split(",") if name}
        state = query.get("state", "open")
        since = parse_iso(query["since"]) if "since" in query else None
        items = [
            issue
            for issue in self.issues.values()
            if (state == "all" or issue["state"] == state)
            and wanted <= {label["name"] for label in issue["labels"]}
            and (since is None or parse_iso(issue["updated_at"]) >= since)
        ]
        sort = {"created": "created_at", "updated": "updated_at", "comments": "comments"}
        key = sort[query.get("sort", "created")]
        items.sort(
            key=lambda issue: (issue[key], issue["number"]),
            reverse=query.get("direction", "desc") == "desc",
        )
        return self._page(items, query, f"/repos/{self.full_name}/issues")

    def create_issue(self, query: dict[str, str], body: Any) -> Reply:
        """An issue made through the API, by the token's owner (the workflow's bot)."""
        issue = self.add_issue(
            title=body["title"],
            body=body.get("body"),
            labels=tuple(body.get("labels") or ()),
            created_at=self.tick(),
        )
        issue["user"] = self.user(BOT_LOGIN, user_type="Bot")
        return Reply(201, issue, {"location": issue["url"]})

    def edit_issue(self, query: dict[str, str], body: Any, number: str) -> Reply:
        """PATCH an issue's title, body, state or labels (names), as GitHub does."""
        if int(number) not in self.issues:
            return _error(404, "Not Found")
        fields = {key: body[key] for key in ("title", "body", "state", "labels") if key in body}
        return Reply(200, self.update_issue(int(number), by=BOT_LOGIN, **fields))

    def get_issue(self, query: dict[str, str], body: Any, number: str) -> Reply:
        issue = self.issues.get(int(number))
        if not issue:
            return _error(404, "Not Found")
        closer = self.closers.get(int(number)) if issue["state"] == "closed" else None
        return Reply(200, {**issue, "closed_by": self.user(closer) if closer else None})

    def list_issue_comments(self, query: dict[str, str], body: Any, number: str) -> Reply:
        if int(number) not in self.issues:
            return _error(404, "Not Found")
        since = parse_iso(query["since"]) if "since" in query else None
        items = [
            c
            for c in self.issue_comments(int(number))
            if since is None or parse_iso(c["updated_at"]) >= since
        ]
        return self._page(items, query, f"/repos/{self.full_name}/issues/{number}/comments")

    def create_comment(self, query: dict[str, str], body: Any, number: str) -> Reply:
        if int(number) not in self.issues:
            return _error(404, "Not Found")
        if len(body["body"]) > MAX_BODY:
            return _too_long()
        comment = self.add_comment(int(number), body["body"], login=BOT_LOGIN, user_type="Bot")
        return Reply(201, comment, {"location": comment["url"]})

    def list_repo_comments(self, query: dict[str, str], body: Any) -> Reply:
        since = parse_iso(query["since"]) if "since" in query else None
        items = [
            c
            for c in self.comments.values()
            if since is None or parse_iso(c["updated_at"]) >= since
        ]
        key = "updated_at" if query.get("sort") == "updated" else "created_at"
        items.sort(key=lambda c: (c[key], c["id"]), reverse=query.get("direction") == "desc")
        return self._page(items, query, f"/repos/{self.full_name}/issues/comments")

    def get_comment(self, query: dict[str, str], body: Any, comment_id: str) -> Reply:
        comment = self.comments.get(int(comment_id))
        return Reply(200, comment) if comment else _error(404, "Not Found")

    def update_comment(self, query: dict[str, str], body: Any, comment_id: str) -> Reply:
        comment = self.comments.get(int(comment_id))
        issue = self.issues.get(int(comment["issue_url"].rsplit("/", 1)[-1])) if comment else None
        if comment is None or issue is None:  # a deleted issue takes its comments along
            return _error(404, "Not Found")
        if len(body["body"]) > MAX_BODY:
            return _too_long()
        comment.update(body=body["body"], updated_at=self.tick())
        issue["updated_at"] = comment["updated_at"]
        return Reply(200, comment)

    def add_issue_labels(self, query: dict[str, str], body: Any, number: str) -> Reply:
        issue = self.issues.get(int(number))
        if issue is None:
            return _error(404, "Not Found")
        names = body["labels"] if isinstance(body, dict) else body
        present = {label["name"] for label in issue["labels"]}
        issue["labels"] += [self._label(name) for name in names if name not in present]
        issue["updated_at"] = self.tick()
        return Reply(200, issue["labels"])

    def remove_issue_label(self, query: dict[str, str], body: Any, number: str, name: str) -> Reply:
        issue = self.issues.get(int(number))
        name = unquote(name)
        if issue is None or name not in {label["name"] for label in issue["labels"]}:
            return _error(404, "Label does not exist")
        issue["labels"] = [label for label in issue["labels"] if label["name"] != name]
        issue["updated_at"] = self.tick()
        return Reply(200, issue["labels"])

    def list_labels(self, query: dict[str, str], body: Any) -> Reply:
        return self._page(list(self.labels.values()), query, f"/repos/{self.full_name}/labels")

    def create_label(self, query: dict[str, str], body: Any) -> Reply:
        if body["name"] in self.labels:
            return Reply(
                422,
                {
                    "message": "Validation Failed",
                    "errors": [{"resource": "Label", "code": "already_exists", "field": "name"}],
                    "documentation_url": DOCS,
                },
            )
        label = self.add_label(body["name"], body.get("color", "ededed"), body.get("description"))
        return Reply(201, label)

    def get_label(self, query: dict[str, str], body: Any, name: str) -> Reply:
        label = self.labels.get(unquote(name))
        return Reply(200, label) if label else _error(404, "Not Found")

    def update_label(self, query: dict[str, str], body: Any, name: str) -> Reply:
        label = self.labels.pop(unquote(name), None)
        if label is None:
            return _error(404, "Not Found")
        new_name = body.get("new_name") or label["name"]
        label.update(
            name=new_name,
            url=f"{self.api}/labels/{quote(new_name, safe='')}",
            color=body.get("color", label["color"]),
            description=body.get("description", label["description"]),
        )
        self.labels[new_name] = label
        return Reply(200, label)

    def add_workflow(self, file_name: str, state: str = "active") -> JSON:
        """A workflow of the repository, in one of the states GitHub gives them."""
        example = openapi.spec()["components"]["examples"]["workflow"]["value"]
        workflow = self._rehost(copy.deepcopy(example))
        workflow.update(
            id=self._next_id(), path=f".github/workflows/{file_name}", state=state, name=file_name
        )
        self.workflows[file_name] = workflow
        return workflow

    def get_workflow(self, query: dict[str, str], body: Any, workflow_id: str) -> Reply:
        workflow = self.workflows.get(unquote(workflow_id))
        return Reply(200, workflow) if workflow else _error(404, "Not Found")

    def enable_workflow(self, query: dict[str, str], body: Any, workflow_id: str) -> Reply:
        workflow = self.workflows.get(unquote(workflow_id))
        if workflow is None:
            return _error(404, "Not Found")
        workflow["state"] = "active"
        return Reply(204)

    def get_user(self, query: dict[str, str], body: Any) -> Reply:
        # What an Actions GITHUB_TOKEN gets: the pipeline must never ask who it is.
        return _error(403, "Resource not accessible by integration")


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> Reply:
    return Reply(status, {"message": message, "documentation_url": DOCS}, headers or {})


def _too_long() -> Reply:
    """GitHub's answer to a comment body over MAX_BODY characters."""
    error = {
        "resource": "IssueComment",
        "code": "custom",
        "field": "body",
        "message": f"body is too long (maximum is {MAX_BODY} characters)",
    }
    return Reply(
        422, {"message": "Validation Failed", "errors": [error], "documentation_url": DOCS}
    )


def _fault_reply(fault: Fault) -> Reply:
    if fault.kind == "502":
        return _error(502, "Server Error")
    if fault.kind == "404":
        return _error(404, "Not Found")
    if fault.kind == "secondary":
        message = (
            "You have exceeded a secondary rate limit. "
            "Please wait a few minutes before you try again."
        )
        return _error(403, message, {"retry-after": str(max(int(fault.delay), 1))})
    if fault.kind == "429":
        return _error(429, "Too Many Requests")
    if fault.kind == "422":  # a reason the pipeline has no Dutch for: it is quoted
        error = {"resource": "Issue", "code": "custom", "message": "Something we never saw"}
        return Reply(
            422, {"message": "Validation Failed", "errors": [error], "documentation_url": DOCS}
        )
    reset = int(time.time()) + 3600
    headers = {
        "x-ratelimit-remaining": "0",
        "x-ratelimit-used": "5000",
        "x-ratelimit-reset": str(reset),
    }
    return _error(403, "API rate limit exceeded for installation ID 1.", headers)


_REPO = r"/repos/(?P<owner>[^/]+)/(?P<repo>[^/]+)"
# (method, path regex, OpenAPI path template, handler)
_ROUTES: tuple[tuple[str, str, str, Callable[..., Reply]], ...] = (
    ("GET", _REPO, "/repos/{owner}/{repo}", FakeGitHub.get_repo),
    ("GET", _REPO + r"/issues", "/repos/{owner}/{repo}/issues", FakeGitHub.list_issues),
    ("POST", _REPO + r"/issues", "/repos/{owner}/{repo}/issues", FakeGitHub.create_issue),
    (
        "GET",
        _REPO + r"/issues/comments",
        "/repos/{owner}/{repo}/issues/comments",
        FakeGitHub.list_repo_comments,
    ),
    (
        "GET",
        _REPO + r"/issues/comments/(?P<comment_id>\d+)",
        "/repos/{owner}/{repo}/issues/comments/{comment_id}",
        FakeGitHub.get_comment,
    ),
    (
        "PATCH",
        _REPO + r"/issues/comments/(?P<comment_id>\d+)",
        "/repos/{owner}/{repo}/issues/comments/{comment_id}",
        FakeGitHub.update_comment,
    ),
    (
        "GET",
        _REPO + r"/issues/(?P<number>\d+)",
        "/repos/{owner}/{repo}/issues/{issue_number}",
        FakeGitHub.get_issue,
    ),
    (
        "PATCH",
        _REPO + r"/issues/(?P<number>\d+)",
        "/repos/{owner}/{repo}/issues/{issue_number}",
        FakeGitHub.edit_issue,
    ),
    (
        "GET",
        _REPO + r"/issues/(?P<number>\d+)/comments",
        "/repos/{owner}/{repo}/issues/{issue_number}/comments",
        FakeGitHub.list_issue_comments,
    ),
    (
        "POST",
        _REPO + r"/issues/(?P<number>\d+)/comments",
        "/repos/{owner}/{repo}/issues/{issue_number}/comments",
        FakeGitHub.create_comment,
    ),
    (
        "POST",
        _REPO + r"/issues/(?P<number>\d+)/labels",
        "/repos/{owner}/{repo}/issues/{issue_number}/labels",
        FakeGitHub.add_issue_labels,
    ),
    (
        "DELETE",
        _REPO + r"/issues/(?P<number>\d+)/labels/(?P<name>[^/]+)",
        "/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}",
        FakeGitHub.remove_issue_label,
    ),
    ("GET", _REPO + r"/labels", "/repos/{owner}/{repo}/labels", FakeGitHub.list_labels),
    ("POST", _REPO + r"/labels", "/repos/{owner}/{repo}/labels", FakeGitHub.create_label),
    (
        "GET",
        _REPO + r"/labels/(?P<name>[^/]+)",
        "/repos/{owner}/{repo}/labels/{name}",
        FakeGitHub.get_label,
    ),
    (
        "PATCH",
        _REPO + r"/labels/(?P<name>[^/]+)",
        "/repos/{owner}/{repo}/labels/{name}",
        FakeGitHub.update_label,
    ),
    (
        "GET",
        _REPO + r"/actions/workflows/(?P<workflow_id>[^/]+)",
        "/repos/{owner}/{repo}/actions/workflows/{workflow_id}",
        FakeGitHub.get_workflow,
    ),
    (
        "PUT",
        _REPO + r"/actions/workflows/(?P<workflow_id>[^/]+)/enable",
        "/repos/{owner}/{repo}/actions/workflows/{workflow_id}/enable",
        FakeGitHub.enable_workflow,
    ),
    ("GET", r"/user", "/user", FakeGitHub.get_user),
)


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that was killed mid-request is a test's intent, not a server error."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _handler_for(github: FakeGitHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        timeout = 30
        # Headers and body go out in two writes; without this each answer waits ~40 ms for ACK.
        disable_nagle_algorithm = True

        def _serve(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw) if raw else None
            headers = {key.lower(): value for key, value in self.headers.items()}
            reply = github.handle(self.command, self.path, body, headers)
            payload = b"" if reply.body is None else json.dumps(reply.body).encode()
            self.send_response(reply.status)
            for key, value in reply.headers.items():
                self.send_header(key, value)
            if payload:
                self.send_header("content-type", "application/json; charset=utf-8")
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = _serve

        def date_time_string(self, timestamp: float | None = None) -> str:
            """The Date header tells the server's clock, the one its timestamps come from."""
            return format_datetime(github.clock, usegmt=True)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the request log is the record."""

    return Handler


def serve() -> Iterator[FakeGitHub]:
    """Start a fake GitHub, yield it, stop it."""
    github = FakeGitHub().start()
    try:
        yield github
    finally:
        github.stop()
