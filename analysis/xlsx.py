"""The xlsx file format, written straight from columns: plain sheets of text, numbers and
booleans, a bold frozen header with filters, column widths and links.

XlsxWriter cost about ten microseconds a cell, each cell a chain of Python calls, and a large
university's workbook has most of a million cells (eight seconds of a 100,000-work run). Here
a sheet's XML is built a column at a time, each distinct text escaped once, at well under a
microsecond a cell. The parts written are the ones Excel itself writes for such a workbook
(ECMA-376 Part 1, SpreadsheetML), in the schema's order, with the values XlsxWriter wrote:
numbers as "%.16G", NaN as #NUM! and infinities as #DIV/0!, text cut at Excel's 32,767
characters, links only within Excel's limits, column widths in XlsxWriter's units.
"""

from __future__ import annotations

import math
import re
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

MAX_ROWS = 1_048_576  # Excel's limits
MAX_COLUMNS = 16_384
MAX_TEXT = 32_767  # UTF-16 code units, as Excel counts
MAX_LINKS = 65_530
MAX_URL = 2_079
MAX_TITLE = 31
_BAD_TITLE = re.compile(r"[\[\]:*?/\\\x00-\x1f\ud800-\udfff\ufffe\uffff]")
#: Characters XML 1.0 cannot hold (the caller's `printable` removed the rest).
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: Text Excel would read as an escaped character ("_x0041_" is "A") unless its "_" is escaped
#: (each "_" that opens one: in "_x0041_x0042_" the first's last "_" opens the second).
_EXCEL_ESCAPE = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")
#: Characters percent-encoded in a link's target (XlsxWriter's, and "#", which would cut a DOI
#: short at doi.org); a "%" already starting an escape is kept.
_URL_UNSAFE = re.compile(r'[\x00-\x20"<>\\^`{|}\[\]#\x7f]|%(?![0-9A-Fa-f]{2})')

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
_OFFICE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_SELECTED = ' tabSelected="1"'
BOLD, LINK = 1, 2  # cellXfs indexes in _STYLES
_STYLES = (
    f'{_HEAD}<styleSheet xmlns="{_MAIN}">'
    '<fonts count="3"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><u/><sz val="11"/><color rgb="FF0000FF"/><name val="Calibri"/><family val="2"/>'
    '</font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    '</cellStyleXfs><cellXfs count="3">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
    '</cellStyles></styleSheet>')


@dataclass
class Sheet:
    """One sheet: a header and its columns of cells (None, str, bool, int or float)."""

    title: str
    header: list[str]
    columns: list[list[Any]]
    widths: list[float]
    link_column: int = -1  # whose https://doi.org/10. text cells are links


def column_letter(index: int) -> str:
    """'A' for 0, 'Z' for 25, 'AA' for 26."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def check_title(title: str) -> str:
    if not title or _BAD_TITLE.search(title) or _units(title) > MAX_TITLE \
            or title.startswith("'") or title.endswith("'") or title.lower() == "history":
        raise ValueError(f"{title!r}: not a sheet name Excel accepts (1 to 31 characters, "
                         "none of [ ] : * ? / \\ nor a control character, no apostrophe at "
                         "either end, not History)")
    return title


def _units(text: str) -> int:
    """The text's length as Excel counts it: UTF-16 code units."""
    return len(text) if text.isascii() else len(text.encode("utf-16-le", "surrogatepass")) // 2


def _cut(text: str) -> str:
    """The text cut at Excel's limit of 32,767 UTF-16 units (never inside a character)."""
    if len(text) <= MAX_TEXT // 2 or _units(text) <= MAX_TEXT:
        return text
    cut = text.encode("utf-16-le", "surrogatepass")[:2 * MAX_TEXT]
    if 0xD800 <= int.from_bytes(cut[-2:], "little") < 0xDC00:
        cut = cut[:-2]  # not half a character
    return cut.decode("utf-16-le", "surrogatepass")


def text_xml(value: str) -> str:
    """The inline string element of a text cell's value."""
    value = _cut(value)
    if _NOT_XML.search(value):
        value = _NOT_XML.sub("\ufffd", value)
    body = escape(value)
    if "_x" in body:
        body = _EXCEL_ESCAPE.sub("_x005F_", body)
    if "\r" in body:  # XML reads a carriage return as a line feed; Excel writes it so
        body = body.replace("\r", "_x000D_")
    if value[:1].isspace() or value[-1:].isspace():
        return f'<is><t xml:space="preserve">{body}</t></is>'
    return f"<is><t>{body}</t></is>"


def number_xml(value: float) -> str:
    if math.isnan(value):
        return ' t="e"><v>#NUM!</v></c>'
    if math.isinf(value):
        return ' t="e"><v>#DIV/0!</v></c>'
    shown = f"{value:.16G}"  # as XlsxWriter wrote numbers, unless it rounds past the largest
    if shown.endswith("E+308") and math.isinf(float(shown)):
        shown = repr(float(value))
    return f"><v>{shown}</v></c>"


def _cell_tail(value: Any) -> str:
    """A cell's XML after its reference ('<c r="B7"' + this)."""
    if isinstance(value, str):
        return f' t="inlineStr">{text_xml(value)}</c>'
    if isinstance(value, bool):
        return f' t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return number_xml(value)
    raise TypeError(f"a cell holds text, a number or a boolean, not {type(value).__name__}")


def _column_xml(letter: str, cells: list[Any], link: bool, links: list[tuple[str, str]]
                ) -> list[str]:
    """Each row's cell of one column: texts repeat (list names, evidence), so each distinct
    value's XML is made once."""
    made: dict[str, str] = {}
    out = []
    for row, value in enumerate(cells, start=2):
        if value is None or value.__class__ is str and not value:
            out.append("")  # an empty cell, as XlsxWriter wrote an empty string
            continue
        if link and isinstance(value, str) and len(links) < MAX_LINKS \
                and (target := _link_target(value)):
            links.append((f"{letter}{row}", target))
            out.append(f'<c r="{letter}{row}" s="{LINK}" t="inlineStr">{text_xml(value)}</c>')
            continue
        if value.__class__ is str:
            tail = made.get(value)
            if tail is None:
                tail = made[value] = _cell_tail(value)
        else:
            tail = _cell_tail(value)
        out.append(f'<c r="{letter}{row}"{tail}')
    return out


def _link_target(value: str) -> str:
    """The link a DOI address becomes (percent-encoded), or '' when it is not one or is past
    what Excel holds."""
    if not value.lower().startswith("https://doi.org/10.") or _NOT_XML.search(value):
        return ""
    target = _URL_UNSAFE.sub(lambda m: f"%{ord(m.group()):02x}", value)
    return target if len(target) <= MAX_URL else ""


def _rows(sheet: Sheet) -> int:
    """The data rows written: Excel holds one header and MAX_ROWS - 1 more."""
    return min(len(sheet.columns[0]) if sheet.columns else 0, MAX_ROWS - 1)


def _width(width: float) -> float:
    """A width in characters as Excel stores it (XlsxWriter's conversion: 7-pixel digits
    and 5 pixels of padding, in 1/256ths)."""
    if width <= 0:
        return 0.0
    pixels = int(width * 12 + 0.5) if width < 1 else int(width * 7 + 0.5) + 5
    return int(pixels / 7 * 256) / 256


def _sheet_xml(sheet: Sheet, selected: bool) -> tuple[list[str], list[tuple[str, str]]]:
    """The worksheet's XML in pieces, and its links (cell, target)."""
    rows = _rows(sheet)
    ncols = len(sheet.header)
    last = column_letter(max(ncols - 1, 0))
    links: list[tuple[str, str]] = []
    columns = [_column_xml(column_letter(i), cells[:rows], i == sheet.link_column, links)
               for i, cells in enumerate(sheet.columns)]
    head = "".join(f'<c r="{column_letter(i)}1" s="{BOLD}" t="inlineStr">{text_xml(str(h))}</c>'
                   for i, h in enumerate(sheet.header))
    widths = "".join(f'<col min="{i}" max="{i}" width="{_width(w)}" customWidth="1"/>'
                     for i, w in enumerate(sheet.widths, start=1))
    parts = [
        f'{_HEAD}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">',
        f'<dimension ref="A1:{last}{rows + 1}"/>' if ncols else '<dimension ref="A1"/>',
        f'<sheetViews><sheetView{_SELECTED if selected else ""} workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft"/></sheetView></sheetViews>',
        '<sheetFormatPr defaultRowHeight="15"/>',
        f"<cols>{widths}</cols>" if widths else "",
        f'<sheetData><row r="1">{head}</row>',
    ]
    parts += [f'<row r="{n}">{"".join(cells)}</row>'
              for n, cells in enumerate(zip(*columns, strict=True), start=2)]
    parts.append("</sheetData>")
    if ncols:
        parts.append(f'<autoFilter ref="A1:{last}{rows + 1}"/>')
    if links:
        parts.append("<hyperlinks>" + "".join(
            f'<hyperlink ref="{cell}" r:id="rId{n}"/>'
            for n, (cell, _) in enumerate(links, start=1)) + "</hyperlinks>")
    parts.append('<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" '
                 'footer="0.3"/></worksheet>')
    return parts, links


def _links_xml(links: list[tuple[str, str]]) -> str:
    return (f'{_HEAD}<Relationships xmlns="{_PKG_REL}">' + "".join(
        f'<Relationship Id="rId{n}" Type="{_REL}/hyperlink" '
        f'Target={quoteattr(target)} TargetMode="External"/>'
        for n, (_, target) in enumerate(links, start=1)) + "</Relationships>")


def _filter_name(index: int, sheet: Sheet) -> str:
    if not sheet.header:
        return ""
    rows = _rows(sheet)
    title = sheet.title.replace("'", "''")
    return (f'<definedName name="_xlnm._FilterDatabase" localSheetId="{index}" hidden="1">'
            f"{escape(chr(39) + title + chr(39))}!$A$1:${column_letter(len(sheet.header) - 1)}"
            f"${rows + 1}</definedName>")


def _workbook_xml(sheets: list[Sheet]) -> str:
    names = "".join(_filter_name(i, s) for i, s in enumerate(sheets))
    return (f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
            '<bookViews><workbookView activeTab="0"/></bookViews><sheets>' + "".join(
                f'<sheet name={quoteattr(s.title)} sheetId="{n}" r:id="rId{n}"/>'
                for n, s in enumerate(sheets, start=1)) + "</sheets>"
            + (f"<definedNames>{names}</definedNames>" if names else "") + "</workbook>")


def _package(count: int) -> dict[str, str]:
    sheets = range(1, count + 1)
    return {
        "[Content_Types].xml": (
            f'{_HEAD}<Types xmlns="{_TYPES}">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_OFFICE}.sheet.main+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{n}.xml" '
                      f'ContentType="{_OFFICE}.worksheet+xml"/>' for n in sheets)
            + f'<Override PartName="/xl/styles.xml" ContentType="{_OFFICE}.styles+xml"/>'
            "</Types>"),
        "_rels/.rels": (
            f'{_HEAD}<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" '
            f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/_rels/workbook.xml.rels": (
            f'{_HEAD}<Relationships xmlns="{_PKG_REL}">' + "".join(
                f'<Relationship Id="rId{n}" Type="{_REL}/worksheet" '
                f'Target="worksheets/sheet{n}.xml"/>' for n in sheets)
            + f'<Relationship Id="rId{count + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
            "</Relationships>"),
        "xl/styles.xml": _STYLES,
    }


def _check_shape(sheet: Sheet) -> None:
    if len(sheet.header) > MAX_COLUMNS:
        raise ValueError(f"sheet {sheet.title!r}: {len(sheet.header):,} columns, more than "
                         f"Excel's {MAX_COLUMNS:,}")
    if len(sheet.columns) != len(sheet.header) or len({len(c) for c in sheet.columns}) > 1:
        raise ValueError(f"sheet {sheet.title!r}: a column for each header, all as long")
    rows = len(sheet.columns[0]) if sheet.columns else 0
    if rows >= MAX_ROWS:
        warnings.warn(f"sheet {sheet.title!r}: {rows - MAX_ROWS + 1:,} rows past Excel's limit "
                      "are left out of the workbook (the CSV tables hold every row)",
                      stacklevel=3)


def write(path: Path, sheets: list[Sheet]) -> None:
    """Write the workbook to `path` (the caller makes it private and atomic)."""
    if not sheets:
        raise ValueError("a workbook needs at least one sheet")
    titles = [check_title(s.title).lower() for s in sheets]
    if len(set(titles)) != len(titles):
        raise ValueError(f"sheet names repeat: {[s.title for s in sheets]}")
    for sheet in sheets:
        _check_shape(sheet)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        for name, xml in _package(len(sheets)).items():
            book.writestr(name, xml)
        book.writestr("xl/workbook.xml", _workbook_xml(sheets))
        for n, sheet in enumerate(sheets, start=1):
            parts, links = _sheet_xml(sheet, selected=n == 1)
            large = 4 * sum(map(len, parts)) >= zipfile.ZIP64_LIMIT  # ZIP64 only if needed
            with book.open(f"xl/worksheets/sheet{n}.xml", "w", force_zip64=large) as handle:
                for start in range(0, len(parts), 4096):
                    handle.write("".join(parts[start:start + 4096]).encode())
            if links:
                book.writestr(f"xl/worksheets/_rels/sheet{n}.xml.rels", _links_xml(links))
