"""A page cut off from the network, as an offline file meets it: every request but a
``file:`` one is aborted and recorded, with every failed request and page error."""

from dataclasses import dataclass, field

from playwright.sync_api import Page, Request, Route


@dataclass
class Network:
    """Every request the page made beyond its own file, and every one that failed."""

    outside: list[str] = field(default_factory=list)
    failed: list[Request] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def only_files(page: Page) -> Network:
    """From now on, ``page`` reaches nothing but files; what it tried is in the answer."""
    seen = Network()

    def route(request: Route) -> None:
        if request.request.url.startswith("file:"):
            request.continue_()
        else:
            seen.outside.append(request.request.url)
            request.abort()

    page.route("**/*", route)
    page.on("requestfailed", lambda request: seen.failed.append(request))
    page.on("pageerror", lambda error: seen.errors.append(str(error)))
    return seen
