"""What Amazon's tab-separated flat files (settlement, customer returns...) share: lines and
cells, the header's columns by name, a row as {column: cell}, errors that name the cell."""

from .common import AmazonDocumentError


def tab_rows(text):
    """(line number, cells) of the lines that hold anything; CRLF, LF and CR all end a line."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [
        (number, [cell.strip() for cell in line.split("\t")])
        for number, line in enumerate(lines, 1)
        if line.strip()
    ]


def header_columns(cells, row, *, document, identifying, shown, what):
    """{column name (lower case): index} of a header row, which must name every column of
    `identifying`; the error names the columns `shown` and `what` file was expected."""
    names = [cell.lower() for cell in cells]
    if not set(identifying) <= set(names):
        raise AmazonDocumentError(
            f"no header row: the first line does not name the columns "
            f"({', '.join(shown)}, ...); is this a tab-separated {what}?",
            document=document,
            path=f"row {row}",
        )
    columns = {}
    for index, name in enumerate(names):
        if name in columns:
            raise AmazonDocumentError(
                f"column {name} appears twice", document=document, path=f"row {row}"
            )
        if name:
            columns[name] = index
    return columns


def check_required_columns(columns, required, row, *, document):
    missing = [name for name in required if name not in columns]
    if missing:
        raise AmazonDocumentError(
            f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}",
            document=document,
            path=f"row {row}",
        )


def row_record(cells, columns, width, row, *, document):
    """{column name: stripped cell}; a short row has empty cells at its end."""
    if any(cells[width:]):
        raise AmazonDocumentError(
            f"{len(cells)} cells, the header has {width} columns",
            document=document,
            path=f"row {row}",
        )
    return {name: cells[index] if index < len(cells) else "" for name, index in columns.items()}


def at_cell(error, row, name, *, document):
    """`error` (of a value) said again at its row and column."""
    message = str(error).removeprefix(f"{document}: ")
    return AmazonDocumentError(message, document=document, path=f"row {row}, column {name}")
