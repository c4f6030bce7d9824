"""The pagination helper."""

from amazon_sp import Page, iter_pages


def test_iter_pages_follows_tokens_and_stops():
    pages = {None: Page([1, 2], "t1"), "t1": Page([3], "t2"), "t2": Page([4], None)}
    seen = []

    def fetch(token):
        seen.append(token)
        return pages[token]

    assert [item for page in iter_pages(fetch) for item in page.items] == [1, 2, 3, 4]
    assert seen == [None, "t1", "t2"]


def test_iter_pages_resumes_from_a_token_and_honours_max_pages():
    pages = {"t1": Page([3], "t2"), "t2": Page([4], "t3")}
    result = list(iter_pages(pages.__getitem__, first_token="t1", max_pages=2))
    assert [page.items for page in result] == [[3], [4]]
