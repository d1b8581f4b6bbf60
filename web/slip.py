"""The referral slip a client takes home from a service desk: its texts (shared by the PDF and
the staff page, so the printed and the downloaded slip say the same) and the PDF.

May import: the shared core and web/qr.py; no route module.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from mukaan.texts.cards import SLIP_TEXTS
from web.qr import qr_png

try:
    from fpdf import FPDF
except ImportError:  # fpdf2 missing: the console still works; only the PDF answers 503
    FPDF = object





FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/truetype/liberation")]
FONT_FILES = {"DejaVuSans.ttf": "DejaVuSans-Bold.ttf",
              "LiberationSans-Regular.ttf": "LiberationSans-Bold.ttf"}


def _unicode_font() -> tuple[Path, Path] | None:
    """A TrueType font with Finnish, Swedish and typographic characters, if the system has one."""
    for folder in FONT_DIRS:
        for regular, bold in FONT_FILES.items():
            if (folder / regular).exists() and (folder / bold).exists():
                return folder / regular, folder / bold
    return None


class SlipPDF(FPDF):
    """An A4 slip; uses a system Unicode font, or Helvetica with Latin-1 text without one."""

    def __init__(self, lang: str):
        super().__init__(format="A4")
        self.lang = lang
        self.t = SLIP_TEXTS[lang]
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(True, margin=18)
        self.set_title(self.t["title"])
        self.set_lang(lang)
        self.set_creator("Mukaan")
        font = _unicode_font()
        if font:
            self.add_font("Body", "", str(font[0]))
            self.add_font("Body", "B", str(font[1]))
            self.body_font = "Body"
        else:
            self.body_font = "Helvetica"

    def clean(self, value: str) -> str:
        """The text as the font can show it."""
        if self.body_font != "Helvetica":
            return value
        value = value.replace("–", "-").replace("—", "-").replace("’", "'").replace("…", "...")
        return value.encode("latin-1", "replace").decode("latin-1")

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.body_font, "", 8)
        made = f"{self.t['made']} · {_date(dt.date.today().isoformat(), self.lang)} · {self.page_no()}"
        self.cell(0, 5, self.clean(made), align="C")

    def para(self, value: str, size: float = 10.5, style: str = "", height: float = 5.4) -> None:
        self.set_font(self.body_font, style, size)
        self.multi_cell(0, height, self.clean(value), new_x="LMARGIN", new_y="NEXT")

    def field(self, label: str, value: str | None, width: float) -> None:
        if not value:
            return
        self.set_font(self.body_font, "B", 10.5)
        self.multi_cell(width, 5.4, self.clean(f"{label}:"), new_x="LMARGIN", new_y="NEXT")
        self.set_font(self.body_font, "", 10.5)
        self.multi_cell(width, 5.4, self.clean(value), new_x="LMARGIN", new_y="NEXT")
        self.ln(0.8)


def _date(iso: str, lang: str) -> str:
    """A date as people write it: 15.9.2026 in Finnish and Swedish, 15 September 2026 in English."""
    d = dt.date.fromisoformat(iso)
    return f"{d.day} {d.strftime('%B')} {d.year}" if lang == "en" else f"{d.day}.{d.month}.{d.year}"


def _contacts(c: dict, t: dict) -> str:
    contact = c.get("organizer_contact") or {}
    parts = [c["organizer"]]
    if contact.get("phone"):
        parts.append(f"{t['phone']}: {contact['phone']}")
    if contact.get("email"):
        parts.append(f"{t['email']}: {contact['email']}")
    if contact.get("url"):
        parts.append(f"{t['web']}: {contact['url']}")
    return "\n".join(parts)


def _activity_block(pdf: SlipPDF, c: dict) -> None:
    t = pdf.t
    qr_size, gap = 34, 6
    text_width = pdf.epw - qr_size - gap
    if pdf.will_page_break(60):
        pdf.add_page()
    top = pdf.get_y()
    pdf.set_font(pdf.body_font, "B", 13)
    pdf.multi_cell(text_width, 6.5, pdf.clean(c["name"]), new_x="LMARGIN", new_y="NEXT")
    if c.get("demo_label"):
        pdf.set_font(pdf.body_font, "", 9)
        pdf.multi_cell(text_width, 4.8, pdf.clean(t["demo"]), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    pdf.field(t["when"], c.get("schedule"), text_width)
    pdf.field(t["next"], c.get("next_time"), text_width)
    pdf.field(t["where"], ", ".join(p for p in (c.get("place"), c.get("address")) if p), text_width)
    pdf.field(t["join"], c.get("how_to_join"), text_width)
    pdf.field(t["cost"], c.get("cost"), text_width)
    pdf.field(t["languages"], ", ".join(c.get("language_names") or []), text_width)
    pdf.field(t["contact"], _contacts(c, t), text_width)
    bottom = pdf.get_y()
    if c.get("url"):
        x = pdf.l_margin + text_width + gap
        pdf.image(qr_png(c["url"]), x=x, y=top, w=qr_size, h=qr_size, link=c["url"])
        pdf.set_xy(x, top + qr_size)
        pdf.set_font(pdf.body_font, "", 8)
        pdf.multi_cell(qr_size, 4, pdf.clean(f"{t['qr']}\n{c['url']}"), align="C")
        bottom = max(bottom, pdf.get_y())
    pdf.set_y(bottom + 2)
    pdf.set_font(pdf.body_font, "", 8.5)
    pdf.multi_cell(0, 4.5, pdf.clean(f"{t['updated']}: {_date(c['updated'], pdf.lang)}"),
                   new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(150)
    pdf.line(pdf.l_margin, pdf.get_y() + 3, pdf.l_margin + pdf.epw, pdf.get_y() + 3)
    pdf.ln(7)


def render_pdf(cards: list[dict], lang: str) -> bytes:
    """The slip: a title, a short plain-language introduction, then one block per activity."""
    pdf = SlipPDF(lang)
    pdf.add_page()
    pdf.para(pdf.t["title"], size=18, style="B", height=9)
    pdf.ln(1)
    pdf.para(pdf.t["intro"])
    pdf.ln(1.5)
    pdf.para(pdf.t["check"])
    pdf.ln(4)
    for c in cards:
        _activity_block(pdf, c)
    return bytes(pdf.output())
