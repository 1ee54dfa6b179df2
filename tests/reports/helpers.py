"""Reading report PDFs in tests: text extraction and numbers formatted as the reports print them."""

import re
from io import BytesIO


def pdf_text(content: bytes) -> str:
    """The text of a PDF with every run of white space (also non-breaking, also line ends) made one
    space."""
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() or "" for page in PdfReader(BytesIO(content)).pages)
    return re.sub(r"[\s\u00a0\u202f\u2009]+", " ", text)


def docx_text(content: bytes) -> str:
    """The text of a DOCX, paragraph by paragraph and cell by cell in the body's order (each table
    row on a line, its cells separated by " | "), white space made one space within each."""
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = Document(BytesIO(content))
    lines = []
    for element in document.element.body.iterchildren():
        if element.tag.endswith("}p"):
            lines.append(Paragraph(element, document).text)
        elif element.tag.endswith("}tbl"):
            for row in Table(element, document).rows:
                lines.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(re.sub(r"[\s\u00a0\u202f\u2009]+", " ", line).strip() for line in lines)


def grouped(number: int, language: str) -> str:
    """``number`` as the report prints it: 1 539 (uk) or 1,539 (en)."""
    return f"{number:,}".replace(",", "," if language == "en" else " ")


def decimal(number: float, places: int, language: str) -> str:
    text = f"{number:.{places}f}"
    return text if language == "en" else text.replace(".", ",")


def signed(number, language: str, places: int = 0) -> str:
    if round(number, places) == 0:
        return decimal(0, places, language) if places else "0"
    body = decimal(abs(number), places, language) if places else grouped(abs(number), language)
    return ("+" if number > 0 else "\u2212") + body


def values_after(text: str, label: str, values: list[str], within: int = 160) -> bool:
    """Whether ``values`` follow, in order and separated by white space only, somewhere in the
    ``within`` characters after an occurrence of ``label``. Only the label's first 24 characters
    are looked for: a long label wraps, and its second line may come after the figures."""
    pattern = r"\s+".join(re.escape(value) for value in values)
    for match in re.finditer(re.escape(label[:24]), text):
        if re.search(pattern, text[match.end() : match.end() + within]):
            return True
    return False
