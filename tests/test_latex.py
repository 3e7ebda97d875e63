from __future__ import annotations

import pytest

from paperbib.latex import UTF8, brace_depth_ok, escape_text, title_to_latex


def latex(text: str) -> str:
    return title_to_latex(text).value


@pytest.mark.parametrize(
    ("char", "escaped"),
    [
        ("&", r"\&"),
        ("%", r"\%"),
        ("$", r"\$"),
        ("#", r"\#"),
        ("_", r"\_"),
        ("{", r"{\textbraceleft}"),
        ("}", r"{\textbraceright}"),
        ("~", r"{\textasciitilde}"),
        ("^", r"{\textasciicircum}"),
        ("\\", r"{\textbackslash}"),
    ],
)
def test_special_characters_are_escaped(char, escaped):
    assert latex(f"a {char} b") == f"a {escaped} b"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Adaptive KV Cache Compression for LLMs", "Adaptive {KV} Cache Compression for {LLMs}"),
        ("BERT and GPT-2 with CNN on TPU", "{BERT} and {GPT}-2 with {CNN} on {TPU}"),
        ("DiSparse: Multitask Pruning", "{DiSparse}: Multitask Pruning"),
        ("Backdoors & Bit-Flips", r"Backdoors \& Bit-Flips"),
        ("Q&A Models", r"{Q\&A} Models"),
        ("Lossless (L2) Compression", "Lossless ({L2}) Compression"),
        ("Model Tells You What to Discard", "Model Tells You What to Discard"),
    ],
)
def test_capital_words_are_protected_whole(title, expected):
    assert latex(title) == expected


def test_never_protects_a_single_letter_inside_a_word():
    assert "{D}iSparse" not in latex("DiSparse")


def test_math_spans_are_kept_verbatim():
    assert latex(r"$\ell_1$-Regularised Pruning at $O(\log n)$ Cost") == (
        r"{$\ell_1$}-Regularised Pruning at {$O(\log n)$} Cost"
    )
    assert latex("Learning $N$:$M$ Sparse Masks") == "Learning {$N$}:{$M$} Sparse Masks"


def test_dollar_amounts_are_not_math():
    assert latex("Pruning for $5 and $ 6") == r"Pruning for \$5 and \$ 6"


def test_greek_and_units_are_braced_macros():
    assert latex("α-Mixing and β-Warmup") == r"{$\alpha$}-Mixing and {$\beta$}-Warmup"
    assert latex("3 µs at 5 mW: Δ-Encoding") == r"3 {$\mu$s} at 5 {mW}: {$\Delta$}-Encoding"


def test_typography_becomes_ligatures():
    assert latex("Pruning—Reconsidered: 3–8 Bit “Free” Models with −0.2 dB") == (
        r"Pruning---Reconsidered: 3--8 Bit ``Free'' Models with {$-$}0.2 {dB}"
    )
    assert latex("GPT\u20112 in 4\u00a0GB: Don\u2019t") == "{GPT}-2 in 4~{GB}: Don't"


def test_emoji_are_dropped_and_reported():
    conversion = title_to_latex("🦙 LLaMA-Mini: Shrinking Chat Models ⚡️")
    assert conversion.value == "{LLaMA}-Mini: Shrinking Chat Models"
    assert conversion.dropped == ["🦙", "⚡"]


def test_math_symbols_map_to_macros():
    assert latex("A∗ Search with ⊕-Merging") == r"A{$\ast$} Search with {$\oplus$}-Merging"


def test_accented_letters_use_bibtex_special_characters():
    assert latex("Über-Fast Réseaux") == r"{\"U}ber-Fast R{\'e}seaux"


def test_cjk_is_kept_and_flagged():
    conversion = title_to_latex("大语言模型：方法")
    assert conversion.value == "大语言模型：方法"
    assert conversion.dropped == []
    assert "：" in conversion.needs_unicode_engine


def test_utf8_mode_keeps_characters_but_protects():
    assert title_to_latex("3 µs: Δ-Encoding & mW", UTF8).value == r"3 {µs}: {Δ}-Encoding \& {mW}"
    assert title_to_latex("4\u00a0GB", UTF8).value == "4~{GB}"


def test_braces_are_always_balanced():
    for title in ["Learning {0,1}-Valued", "Unclosed { brace", "stray } brace", "$a{$ b"]:
        assert brace_depth_ok(latex(title)), title


def test_escape_text_for_notes():
    assert escape_text("code: https://a.org/x_y#z%20") == r"code: https://a.org/x\_y\#z\%20"


def test_bracketed_tag_keeps_its_capital():
    assert latex("[Re] Lottery Tickets") == "[{Re}] Lottery Tickets"
    assert latex("Pruning [with Feedback]") == "Pruning [with Feedback]"
