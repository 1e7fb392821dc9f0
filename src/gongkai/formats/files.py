"""The kinds of files gongkai reads and writes, as data: one registry for each direction.

* :data:`REPORT_FORMATS`: published reports, each read by a module under ``gongkai.readers``. The
  reader is chosen by the file's content (readers.sniff); the suffixes say which files a directory
  walk and the web upload take.
* :data:`DATA_FORMATS`: the data people fill in (JSON, YAML, the Excel form), each read by a module
  under ``gongkai.forms`` into the same structure, which is then checked against the data schema.
* :data:`OUTPUT_FORMATS`: what ``render`` writes, each by a module under ``gongkai.render``.

Adding a file format is adding one line here and the module that handles it (docs/formats.md).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FileFormat:
    key: str  # Source.format of a report read from it; the --format name of an output
    name: str  # as pages show it: Word（.docx）
    noun: str  # in a sentence: 这是 Word 文档
    suffixes: tuple[str, ...]  # file names that hold it, lower case; the first is the one written
    module: str = ""  # the module under gongkai.readers / gongkai.forms / gongkai.render that reads / writes it
    binary: bool = False  # (outputs) bytes a terminal must not be sent


REPORT_FORMATS: tuple[FileFormat, ...] = (
    FileFormat("text", "纯文本", "纯文本", (".txt", ".text", ".md"), "text"),
    FileFormat("html", "网页", "网页", (".html", ".htm", ".shtml", ".xhtml"), "html"),
    FileFormat("mht", "网页存档（MHT）", "网页存档（MHT）", (".mht", ".mhtml"), "html"),
    FileFormat("docx", "Word（.docx）", "Word 文档", (".docx",), "docx"),
    FileFormat("doc", "Word（.doc）", "Word 97-2003 文档", (".doc",), "legacy"),
    FileFormat("wps", "WPS", "WPS 文档", (".wps",), "legacy"),
    FileFormat("rtf", "RTF", "RTF 文档", (".rtf",), "legacy"),
    FileFormat("odt", "OpenDocument（.odt）", "OpenDocument 文本", (".odt",), "legacy"),
    # Word 2003 XML is told by its content; a walk does not pick up every .xml file for it
    FileFormat("wordml", "Word 2003 XML", "Word 2003 XML 文档", (), "legacy"),
    FileFormat("pdf", "PDF", "PDF", (".pdf",), "pdf"),
)

DATA_FORMATS: tuple[FileFormat, ...] = (
    FileFormat("json", "JSON", "JSON 数据", (".json",), "text"),
    FileFormat("yaml", "YAML", "YAML 数据", (".yaml", ".yml"), "text"),
    FileFormat("xlsx", "Excel 填报表", "Excel 填报表", (".xlsx", ".xlsm"), "workbook"),
)

OUTPUT_FORMATS: tuple[FileFormat, ...] = (
    FileFormat("docx", "Word（.docx）", "Word 文档", (".docx",), "docx", binary=True),
    FileFormat("html", "网页", "网页", (".html", ".htm"), "html"),
    FileFormat("md", "Markdown", "Markdown 文本", (".md", ".markdown"), "markdown"),
    FileFormat("json", "JSON", "JSON 数据", (".json",), "json"),
    FileFormat("yaml", "YAML", "YAML 数据", (".yaml", ".yml"), "yaml"),
    FileFormat("xlsx", "Excel 填报表", "Excel 填报表", (".xlsx",), "xlsx", binary=True),
)

# Source.format of a report made from data (any of DATA_FORMATS), and the store's mark for a file
# whose format it does not know
FROM_DATA = "json"
UNKNOWN = "unknown"

READER_MODULES = {f.key: f.module for f in REPORT_FORMATS}
REPORT_SUFFIXES = frozenset(s for f in REPORT_FORMATS for s in f.suffixes)
DATA_SUFFIXES = {s: f.key for f in DATA_FORMATS for s in f.suffixes}
DATA_MODULES = {f.key: f.module for f in DATA_FORMATS}
SOURCE_FORMATS = tuple(f.key for f in REPORT_FORMATS) + (FROM_DATA,)  # what Source.format may say
# what pages call the format a report was read from
FORMAT_NAMES = {f.key: f.name for f in REPORT_FORMATS} | {FROM_DATA: "数据", UNKNOWN: "未知"}
