"""Math typeset at build time: every formula of the course becomes MathML in the page.

Sphinx's default (``sphinx.ext.mathjax``) leaves the TeX in the page and loads MathJax
(1.16 MB of script plus its fonts) to typeset it in the reader's browser on every visit.
This extension registers a math renderer ``mathml`` (``html_math_renderer: mathml`` in
``_config.yml``) that converts each formula with ``latex2mathml`` (pure Python, pinned in
requirements.txt) while Sphinx writes the page, so a page shows its math with no script at
all, offline; browsers draw MathML natively (Chromium since 109, Firefox, Safari) with the
system's math font (``book/_static/course-speed.css`` names it).

latex2mathml misreads a few constructs the lessons use; :func:`tex_to_mathml` rewrites them
before or after converting (see ``TEX_FIXES`` / ``MATHML_FIXES``) and any TeX command that
still reaches the page as text (``\\foo`` inside the MathML) is a build warning, so ``-W``
fails on a formula the converter cannot handle instead of showing it raw.
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.locale import _
from sphinx.util import logging
from sphinx.util.math import get_node_equation_number

logger = logging.getLogger(__name__)

#: TeX rewritten before conversion: (pattern, replacement).
TEX_FIXES = [
    # \arg\max is one operator, "arg max", with its limits below it in a display (see _limits).
    (re.compile(r"\\arg\s*\\max(?![A-Za-z])"), r"\\operatorname{argmax}"),
    # \arg is not known to latex2mathml (it prints "\arg"): an upright operator name.
    (re.compile(r"\\arg(?![A-Za-z])"), r"\\operatorname{arg}"),
]
#: MathML rewritten after conversion: (pattern, replacement).
MATHML_FIXES = [
    # \Big\lVert, \Big\| ...: a sized delimiter keeps the command's name as its text.
    (re.compile(r"(<mo[^>]*>)\\(?:lVert|rVert|Vert|\|)(</mo>)"), "\\1&#x02016;\\2"),
    (re.compile(r"(<mo[^>]*>)\\(?:lvert|rvert|vert)(</mo>)"), "\\1&#x0007C;\\2"),
    # \lVert, \rVert, \lvert, \rvert are fixed-size bars in TeX; as bare <mo> fences they would
    # stretch to the tallest thing in their row (a \Big bracket next to them).
    (re.compile(r"<mo>(&#x02016;|&#x0007C;)</mo>"), '<mo stretchy="false">\\1</mo>'),
    # f' is f with a prime superscript (msup): the prime glyph is already raised, and a
    # superscript shrinks and lifts it once more. A prime after its base reads as in TeX.
    (re.compile(r"<msup>(<mi>[^<]*</mi>)<mi>(&#x0203[23];)</mi></msup>"), "<mrow>\\1<mo>\\2</mo></mrow>"),
    # \operatorname{Var}(w), \ln(x): an operator name is spaced like a binary operator on both
    # sides ("Var (w)"); TeX sets it close to its bracket, a thin space after what precedes it.
    (
        re.compile(r"<mo>([A-Za-z]{2,})</mo>(?=<mo[^>]*>(?:\(|\[|&#x00028;|&#x0005B;)</mo>)"),
        '<mo lspace="0.1667em" rspace="0">\\1</mo>',
    ),
    # \text{fan\_out}: an escaped character inside text stays escaped.
    (
        re.compile(r"<mtext>[^<]*</mtext>"),
        lambda m: re.sub(r"\\([_%&#$])", r"\1", m.group(0)),
    ),
]
#: A TeX command left in the MathML's text: the converter did not know it.
LEFTOVER = re.compile(r">[^<]*\\[A-Za-z|]+[^<]*<")


#: Operators whose subscript TeX sets below them in a display and beside them inline.
LIMITS = re.compile(r"<msub><mo>(max|min|lim|sup|inf|argmax)</mo>")


def _limits(mathml: str) -> str:
    """``\\max_c`` comes out of latex2mathml as a subscript (``msub``) even in a display:
    make it ``munder`` with ``movablelimits``, which the browser draws as TeX does."""
    while m := LIMITS.search(mathml):
        depth, i = 1, m.end()
        while depth:
            nxt = re.compile(r"<(/?)msub>").search(mathml, i)
            depth += -1 if nxt.group(1) else 1
            i = nxt.end()
        name = "arg&#x02006;max" if m.group(1) == "argmax" else m.group(1)
        mathml = (
            mathml[: m.start()]
            + f'<munder><mo movablelimits="true">{name}</mo>'
            + mathml[m.end() : i - len("</msub>")]
            + "</munder>"
            + mathml[i:]
        )
    return mathml


def tex_to_mathml(tex: str, display: bool = False) -> str:
    """The MathML of one formula (``display`` for a block), with the fixes above applied."""
    from latex2mathml.converter import convert

    for pattern, repl in TEX_FIXES:
        tex = pattern.sub(repl, tex)
    mathml = convert(tex.strip(), display="block" if display else "inline")
    for pattern, repl in MATHML_FIXES:
        mathml = pattern.sub(repl, mathml)
    mathml = _limits(mathml)
    # The page is HTML: the namespace is implied and only adds bytes.
    return mathml.replace(' xmlns="http://www.w3.org/1998/Math/MathML"', "")


def _convert(translator, node, tex: str, display: bool) -> str:
    try:
        mathml = tex_to_mathml(tex, display)
    except Exception as exc:  # latex2mathml raises its own errors on bad TeX
        logger.warning(f"course_math: cannot convert {tex!r}: {exc}", location=node)
        return f"<code>{translator.encode(tex)}</code>"
    leftover = LEFTOVER.search(mathml)
    if leftover:
        logger.warning(
            f"course_math: {tex.strip()!r} keeps {leftover.group(0)[1:-1]!r} as text in its MathML "
            "(add a rewrite to TEX_FIXES or MATHML_FIXES in book/_ext/course_math.py)",
            location=node,
        )
    return mathml


def visit_math(self, node: nodes.math) -> None:
    self.body.append(self.starttag(node, "span", "", CLASS="math"))
    self.body.append(_convert(self, node, node.astext(), display=False) + "</span>")
    raise nodes.SkipNode


def visit_displaymath(self, node: nodes.math_block) -> None:
    self.body.append(self.starttag(node, "div", CLASS="math"))
    if node["number"]:
        number = get_node_equation_number(self, node)
        self.body.append(f'<span class="eqno">({number})')
        self.add_permalink_ref(node, _("Link to this equation"))
        self.body.append("</span>")
    # Paragraphs of a math block are separate equations (as sphinx.ext.mathjax aligns them).
    parts = [part for part in node.astext().split("\n\n") if part.strip()]
    for part in parts:
        if r"\\" in part and not node["nowrap"] and r"\begin" not in part:
            part = r"\begin{aligned}" + part + r"\end{aligned}"
        self.body.append(_convert(self, node, part, display=True))
    self.body.append("</div>\n")
    raise nodes.SkipNode


def check_renderer(app: Sphinx) -> None:
    if app.builder.format == "html" and getattr(app.builder, "math_renderer_name", None) != "mathml":
        logger.warning("course_math: set html_math_renderer: mathml in _config.yml (sphinx: config)")


def setup(app: Sphinx):
    app.add_html_math_renderer("mathml", (visit_math, None), (visit_displaymath, None))
    app.connect("builder-inited", check_renderer)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
