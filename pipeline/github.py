"""The GitHub side of the sync over PyGithub: list issues and comments, status feedback, labels."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from github import Auth, Github, GithubException, GithubRetry, RateLimitExceededExceedsMaxWait
from github.Repository import Repository

from pipeline import dashboard, feedback, i18n, syncstate
from pipeline.commands import Comment, comment_from_json
from pipeline.githuberrors import MAX_WAIT, talking
from pipeline.githubrules import PAGE_SIZE, api_url, header_date, repo_name, require_token
from pipeline.labels import label_changes
from pipeline.model import Issue, IssueDataError, issue_from_json, login_of
from pipeline.settings import Config
from pipeline.sources import JsonFileSource, SourceError
from pipeline.sync import (
    Fetched,
    SyncPlan,
    closers_to_read,
    comments_to_read,
    newest_update,
    with_closers,
)

TIMEOUT = 15
RETRIES = 5


class BoundedRetry(GithubRetry):
    """PyGithub's retry, with two limits: no wait longer than `max_rate_limit_wait` for a
    Retry-After either, and no second try of a POST whose answer never came (it may have
    landed: a second status comment is worse than a failed sync, which the next run repairs).
    """

    def sleep_for_retry(self, response: Any) -> bool:
        wait = self.get_retry_after(response)
        bound = self.max_rate_limit_wait
        if wait is not None and bound is not None and wait > bound:
            raise RateLimitExceededExceedsMaxWait(
                response.status, {"message": "Retry-After"}, dict(response.headers), wait=wait
            )
        return bool(super().sleep_for_retry(response))

    def increment(
        self,
        method: str | None = None,
        url: str | None = None,
        response: Any = None,
        error: Exception | None = None,
        _pool: Any = None,
        _stacktrace: Any = None,
    ) -> Any:
        if error is not None and method == "POST" and self._is_read_error(error):
            raise error
        return super().increment(method, url, response, error, _pool, _stacktrace)


@dataclass(frozen=True)
class Timing:
    """How politely the client talks to GitHub, from the settings: seconds between two
    requests and between two writes, and the first retry's wait (it doubles at each retry)."""

    read_pause: float
    write_pause: float
    backoff: float

    @classmethod
    def from_config(cls, config: Config) -> Timing:
        """GITHUB_READ_PAUSE, GITHUB_WRITE_PAUSE and GITHUB_RETRY_BACKOFF of the settings."""
        return cls(config.read_pause, config.write_pause, config.retry_backoff)


def make_retry(*, backoff: float) -> Any:
    """The retry policy: 5xx, secondary limits and Retry-After are retried within MAX_WAIT."""
    return BoundedRetry(
        total=RETRIES,
        # PyGithub leaves PATCH out; our PATCHes (comment text, label) are safe to repeat.
        allowed_methods=BoundedRetry.DEFAULT_ALLOWED_METHODS | {"GET", "POST", "PATCH"},
        backoff_factor=backoff,
        secondary_rate_wait=MAX_WAIT,
        max_rate_limit_wait=MAX_WAIT,
    )


def connect(
    token: str, base_url: str, *, retry: Any, timeout: int = TIMEOUT, pauses: tuple[float, float]
) -> Github:
    """A lazy PyGithub client: objects are built without requests until they are used.

    pauses: (seconds between requests, seconds between writes), which GitHub asks for to
    avoid secondary limits.
    """
    return Github(
        auth=Auth.Token(token),
        base_url=base_url.rstrip("/"),
        per_page=PAGE_SIZE,
        timeout=timeout,
        retry=retry,
        lazy=True,
        seconds_between_requests=pauses[0],
        seconds_between_writes=pauses[1],
    )


def _raw(item: Any) -> dict[str, Any]:
    """The JSON of a list item as received. Not `raw_data`: on a list item that property
    fetches the whole object again, one request per item."""
    raw: dict[str, Any] = item._rawData
    return raw


def _forgetting(listing: Any) -> Iterator[Any]:
    """The items of a PyGithub list, page by page. A PaginatedList keeps every item it has
    yielded (at 5000 issues that alone was 104 MB of a sync's peak); here each is let go."""
    for item in listing:
        yield item
        listing._clear()


@contextmanager
def _not_found(*, refused: bool = False) -> Iterator[None]:
    """Turn a 404 or 410 (deleted, transferred) into feedback.NotFound, which skips one issue
    instead of the sync; with `refused`, also a 422 (GitHub refuses what was sent, and will
    again) into feedback.Refused with GitHub's reason, which skips that issue's writes until
    their input changes."""
    try:
        yield
    except GithubException as error:
        if error.status in (404, 410):
            raise feedback.NotFound(str(error.status)) from error
        if refused and error.status == 422:
            raise feedback.Refused(i18n.github_refusal(error.status, error.data)) from error
        raise


def _status_comment(comments: Iterable[Comment]) -> Comment | None:
    """The first status comment we may edit: written by a bot or by someone with write access."""
    found = (c for c in comments if feedback.is_status_comment(c.body))
    return next((c for c in found if c.user_type == "Bot" or c.by_editor), None)


@dataclass
class PyGithubWriter:
    """The feedback.Writer protocol over PyGithub; objects are lazy, so each method is exactly
    its request.

    `written_at` keeps, per issue, GitHub's time of our last write to it: the issue's
    `updated_at` reaches that moment through our own writes, so only a later one is news.
    """

    repo: Repository
    known: Sequence[Comment] = ()
    # Issues whose every comment is in `known`: no need to ask GitHub for them.
    complete: frozenset[int] = frozenset()
    # Which issue each status comment we know of belongs to.
    comment_issues: dict[int, int] = field(default_factory=dict)
    written_at: dict[int, datetime] = field(default_factory=dict)

    def _write(self, number: int, method: str, path: str, body: Any = None) -> Any:
        with _not_found(refused=True):
            headers, data = self.repo.requester.requestJsonAndCheck(
                method, f"{self.repo.url}{path}", input=body
            )
        moment = header_date(headers or {})
        if moment is not None:
            self.written_at[number] = max(moment, self.written_at.get(number, moment))
        return data

    def status_comment(self, number: int) -> tuple[int, str] | None:
        found = _status_comment(c for c in self.known if c.issue == number)
        if found is None and number not in self.complete:
            with _not_found():
                raws = [_raw(item) for item in self.repo.get_issue(number).get_comments()]
            found = _status_comment(c for c in map(comment_from_json, raws) if c is not None)
        if found is None:
            return None
        self.comment_issues[found.id] = number
        return found.id, found.body

    def create_comment(self, number: int, body: str) -> int:
        data = self._write(number, "POST", f"/issues/{number}/comments", {"body": body})
        comment_id = int(data["id"])
        self.comment_issues[comment_id] = number
        return comment_id

    def edit_comment(self, comment_id: int, body: str) -> None:
        number = self.comment_issues.get(comment_id, 0)
        self._write(number, "PATCH", f"/issues/comments/{comment_id}", {"body": body})

    def add_labels(self, number: int, names: frozenset[str]) -> None:
        # The documented body ({"labels": [...]}); PyGithub's add_to_labels sends a bare list.
        self._write(number, "POST", f"/issues/{number}/labels", {"labels": sorted(names)})

    def remove_label(self, number: int, name: str) -> None:
        self._write(number, "DELETE", f"/issues/{number}/labels/{quote(name, safe='')}")


def _fully_read(issues: Iterable[Issue], comments: Iterable[Comment]) -> frozenset[int]:
    """Issues whose comments were all read (as many as the issue counts)."""
    read = Counter(comment.issue for comment in comments)
    return frozenset(i.number for i in issues if read[i.number] == i.comments)


def _issues(raws: Iterable[Mapping[str, Any]]) -> list[Issue]:
    try:
        issues = [issue_from_json(raw) for raw in raws]
    except IssueDataError as error:
        raise SourceError(f"GitHub gaf een onbruikbaar issue: {error}") from error
    return [issue for issue in issues if not issue.is_pull_request]


def _with_event(listed: list[Issue], event: Path | None) -> list[Issue]:
    """The listing, plus the issue of a `deleted` or `transferred` webhook event (GitHub no
    longer lists it, so only the event can say that its story must go now), and the closer
    a `closed` event names (the sender), for the same close."""
    if event is None:
        return listed
    told = JsonFileSource(event).fetch(syncstate.SyncState(), full=False).issues
    gone = [issue for issue in told if issue.deleted]
    closers = {i.number: i for i in told if i.closed_by is not None and not i.deleted}
    numbers = {issue.number for issue in gone}
    kept = []
    for issue in listed:
        if issue.number in numbers:
            continue
        event_issue = closers.get(issue.number)
        if event_issue is not None and event_issue.closed_at == issue.closed_at:
            issue = replace(issue, closed_by=event_issue.closed_by)
        kept.append(issue)
    return kept + gone


class GitHubSource:
    """runner.Teller over the GitHub API: lists what pipeline.sync asks for and carries out
    the writes the runner hands it; it decides nothing itself."""

    def __init__(
        self,
        client: Github,
        full_name: str,
        config: Config,
        *,
        feedback_on: bool,
        event: Path | None = None,
    ) -> None:
        self.event = event
        self.repo = client.get_repo(full_name)  # lazy: no request
        self.full_name = full_name
        self.config = config
        self.feedback_on = feedback_on
        # Issues of the last listing labelled as the editors' dashboard (raw JSON).
        self.dashboards: list[dict[str, Any]] = []

    @property
    def tells(self) -> bool:
        """Issue writes are carried out when feedback is on."""
        return self.feedback_on

    def _is_dashboard_candidate(self, raw: Mapping[str, Any]) -> bool:
        labels = raw.get("labels") or []
        names = {label.get("name") for label in labels if isinstance(label, Mapping)}
        return self.config.labels.dashboard in names

    def _list_issues(self, since: datetime | None) -> tuple[list[Issue], datetime | None]:
        """The issues updated at or after since (all when None), and when listing began."""
        options: dict[str, Any] = {} if since is None else {"since": since}
        listing = self.repo.get_issues(state="all", sort="created", direction="asc", **options)
        started: list[datetime | None] = []

        def raws() -> Iterator[dict[str, Any]]:
            for item in _forgetting(listing):
                if not started:  # the page's Date header (`raw_headers` would fetch again)
                    started.append(header_date(item._headers))
                raw = _raw(item)
                if self._is_dashboard_candidate(raw):
                    self.dashboards.append(raw)
                yield raw

        issues = _issues(raws())
        return issues, started[0] if started else None

    def _closer(self, number: int) -> str | None:
        """Who closed an issue: only the issue itself says (one request; a listing does not).
        None when the issue is gone meanwhile (it is then planned as closed by its author)."""
        try:
            with _not_found():
                return login_of(self.repo.get_issue(number).raw_data.get("closed_by"))
        except feedback.NotFound:
            return None

    def _list_comments(
        self, since: datetime | None, numbers: frozenset[int]
    ) -> tuple[Comment, ...]:
        options: dict[str, Any] = {} if since is None else {"since": since}
        listing = self.repo.get_issues_comments(**options)
        comments = (comment_from_json(_raw(item)) for item in _forgetting(listing))
        return tuple(c for c in comments if c is not None and c.issue in numbers)

    def fetch(self, state: syncstate.SyncState, *, full: bool) -> Fetched:
        """List the issues (all, or those updated since the last sync) and the comments that
        sync.comments_to_read names.

        Requests: ceil(issues/100) for the list, plus ceil(comments/100) for one repository-
        wide comment list, made only when a submission changed since its comments were known.
        The list is not filtered by label: a story whose issue lost the submission label
        leaves the site at this sync, and the editors' dashboard comes along at no cost.
        """
        since = None if full else state.last_seen
        self.dashboards = []
        with self.talking():
            listed, started = self._list_issues(since)
            listed = _with_event(listed, self.event)
            closers = {n: self._closer(n) for n in closers_to_read(listed, state, self.config)}
            listed = with_closers(listed, state, closers)
            unread, comments_since = comments_to_read(listed, state, self.config)
            comments = self._list_comments(comments_since, unread) if unread else ()
        return Fetched(
            tuple(listed),
            complete=since is None,
            comments=comments,
            newest=newest_update(listed, started),
        )

    def talking(self) -> AbstractContextManager[None]:
        """Around the run's writes: PyGithub's errors become one Dutch SourceError."""
        return talking()

    def writer(self, plan: SyncPlan) -> PyGithubWriter:
        """The writer of this run: it knows the status comments among the listed comments."""
        records = plan.state.issues
        known_comments = {r.comment: n for n, r in records.items() if r.comment is not None}
        fully_read = _fully_read(plan.issues, plan.fetched.comments)
        return PyGithubWriter(self.repo, plan.fetched.comments, fully_read, known_comments)

    def issue(self, number: int) -> Issue | None:
        """One issue by number (a pick this listing did not bring); None when it is gone."""
        try:
            with _not_found():
                return issue_from_json(self.repo.get_issue(number).raw_data)
        except (feedback.NotFound, IssueDataError):
            return None

    def refresh_dashboard(
        self, body: str, config: Config, *, complete: bool, known: int | None
    ) -> int | None:
        """Create or rewrite the dashboard issue (a failure is a warning); its number."""
        if complete:
            return dashboard.refresh(self.repo, body, config, self.dashboards)
        return dashboard.refresh(self.repo, body, config, known=known)


def make_client(
    timing: Timing, without: str = "zonder token kan de sync GitHub niet lezen"
) -> Github:
    """A client for the API in GITHUB_API_URL (default GitHub's) with the token in
    GITHUB_TOKEN, pausing and retrying as timing says; without: what fails without a token."""
    return connect(
        require_token(os.environ, without),
        api_url(os.environ),
        retry=make_retry(backoff=timing.backoff),
        timeout=TIMEOUT,
        pauses=(timing.read_pause, timing.write_pause),
    )


def open_source(
    repo: str, config: Config, *, feedback_on: bool, event: Path | None = None
) -> GitHubSource:
    """The GitHub source for `--repo` (token from GITHUB_TOKEN, base from GITHUB_API_URL)."""
    return GitHubSource(
        make_client(Timing.from_config(config)),
        repo_name(repo),
        config,
        feedback_on=feedback_on,
        event=event,
    )


def run_labels(name: str, config: Config) -> int:
    """`labels --repo`: create or update the labels with Dutch descriptions and colours."""
    repo = make_client(Timing.from_config(config)).get_repo(repo_name(name))
    with talking("labels niet (allemaal) bijgewerkt"):
        found = {label.name.lower(): label for label in repo.get_labels()}
        existing = {
            key: (label.name, (label.color or "").lower(), label.description or "")
            for key, label in found.items()
        }
        changes = label_changes(config, existing)
        for name, color, description, exists in changes:
            if exists:
                found[name.lower()].edit(name, color, description)
                print(f"label {name}: bijgewerkt")
            else:
                repo.create_label(name, color, description)
                print(f"label {name}: aangemaakt")
    if not changes:
        print("alle labels zijn al in orde")
    return 0
