"""Must-show 1: hostile Markdown/HTML saved through the page and the API renders with nothing executable.

Each payload goes in the title, summary and body; the article page, the search
snippets and the suggestions are then parsed and every element and attribute
checked against the allow-list (no <script>, no on* handler, no javascript:/data:
URL, no SVG/iframe/object/style/form/meta).
"""

import json
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from knowledge.models import Article, ArticleStatus
from knowledge.rendering import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, render_markdown
from knowledge.services import article_transition

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<img src="javascript:alert(1)">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></object>',
    '<embed src="javascript:alert(1)">',
    "<body onload=alert(1)>",
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<a href="javascript:alert(1)">x</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](javascript&colon;alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![img](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![img](javascript:alert(1))",
    '![x](x" onerror="alert(1))',
    '[x](https://ok.example "title" onmouseover=alert(1))',
    "<a href=x onmouseover=alert(1)>hover</a>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<form action=javascript:alert(1)><button>go</button></form>",
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<marquee onstart=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<<script>script>alert(1)<</script>/script>",
    "<scr<script>ipt>alert(1)</script>",
    "<img src=`x`onerror=alert(1)>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<link rel=stylesheet href=javascript:alert(1)>",
    '<base href="javascript:alert(1)//">',
    '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    "<!--<img src=x onerror=alert(1)>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    "> <script>alert(1)</script>",
    "- <img src=x onerror=alert(1)>",
    "| a | b |\n|---|---|\n| <script>alert(1)</script> | [x](javascript:alert(1)) |",
    "**<svg/onload=alert(1)>**",
    '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)">x</a>',
    "[x](\\u006Aavascript:alert(1))",
    '<https://ok.example/"onmouseover="alert(1)>',
    "<javascript:alert(1)>",
    "[x]: javascript:alert(1)\n\n[ref][x]",
    '<img srcset="x 1x, javascript:alert(1) 2x">',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    "<xss id=x tabindex=1 onfocusin=alert(1)></xss>",
    "\u27e6<script>alert(1)</script>\u27e7 forged marker",
    "<mark onclick=alert(1)>vpn</mark>",
]

SAFE_SCHEMES = ("http:", "https:", "mailto:")
EXTRA_TAGS = {"article", "h1", "p", "div", "a", "mark", "span", "li", "ol"}


class Checker(HTMLParser):
    def __init__(self, allowed_tags):
        super().__init__(convert_charrefs=True)
        self.allowed_tags = allowed_tags
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.allowed_tags:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in ("style", "srcset", "background", "formaction"):
                self.problems.append(f"attribute {name}")
            if name in ("href", "src", "action", "data") and value:
                # What a browser does: strip whitespace/control characters, then read a scheme if any.
                cleaned = re.sub(r"[\x00-\x20]", "", value).lower()
                scheme = re.match(r"[a-z][a-z0-9+.-]*:", cleaned)
                if scheme and not cleaned.startswith(SAFE_SCHEMES):
                    self.problems.append(f"{name}={value!r}")


def assert_safe(fragment: str, allowed_tags) -> None:
    checker = Checker(allowed_tags)
    checker.feed(fragment)
    assert not checker.problems, (checker.problems, fragment)


def _article_region(content: str) -> str:
    start = content.index('<article class="kb-article"')
    return content[start : content.index("</article>", start) + len("</article>")]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_render_keeps_nothing_executable(payload):
    html = render_markdown(payload)
    assert_safe(html, ALLOWED_TAGS)
    for name, attributes in ALLOWED_ATTRIBUTES.items():
        assert not any(attribute.startswith("on") for attribute in attributes), name


def test_corpus_is_large_enough():
    assert len(PAYLOADS) >= 50


def test_hostile_articles_through_page_and_api_render_safely(client, agent, second_agent, requester):
    client.force_login(agent)
    for index, payload in enumerate(PAYLOADS):
        title = f"vpn {payload}"[:200]
        if index % 2:
            response = client.post(
                reverse("knowledge:new"),
                {
                    "language": "fr",
                    "title": title,
                    "summary": payload[:300],
                    "body": f"vpn {payload}",
                    "audience": "staff",
                },
            )
            assert response.status_code == 302, response.content
        else:
            response = client.post(
                "/api/v1/kb-articles/",
                {"language": "fr", "title": title, "summary": payload[:300], "body": f"vpn {payload}"},
                content_type="application/json",
            )
            assert response.status_code == 201, response.content
    for article in Article.objects.all():
        article_transition(article=article, actor=agent, to=ArticleStatus.REVIEW)
        article_transition(article=article, actor=second_agent, to=ArticleStatus.PUBLISHED)

    client.force_login(requester)
    allowed_page = ALLOWED_TAGS | EXTRA_TAGS
    for article in Article.objects.all():
        content = client.get(reverse("knowledge:article", args=[article.pk])).content.decode()
        region = _article_region(content)
        assert_safe(region, allowed_page)
        # The only scripts on the page are the app's own static files.
        assert all(tag.startswith('<script src="/static/') for tag in re.findall(r"<script[^>]*>", content, re.I))

    search = client.get(reverse("knowledge:search"), {"q": "vpn alert script"}).content.decode()
    snippets = re.findall(r'<p class="kb-snippet">(.*?)</p>', search, flags=re.S)
    assert snippets
    for snippet in snippets:
        assert_safe(snippet, {"mark"})
    titles = re.findall(r'<ol class="kb-results">(.*?)</ol>', search, flags=re.S)
    assert_safe(titles[0], {"li", "a", "p", "mark"})

    response = client.get(reverse("knowledge:suggest"), {"q": "vpn alert"})
    assert response["Content-Type"] == "application/json"
    results = json.loads(response.content)["results"]
    assert results
    for item in results:
        # Plain text for textContent, and a URL the app built itself.
        assert item["url"].startswith("/help/")
        assert Article.objects.filter(translations__title=item["title"]).exists()

    api = client.get("/api/v1/kb-search/", {"q": "vpn alert"}).json()
    for hit in api:
        assert_safe(hit["snippet"], {"mark"})
