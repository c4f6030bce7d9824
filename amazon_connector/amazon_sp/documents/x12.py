"""X12 004010 interchanges, read and written: the envelope Amazon's EDI documents travel in
(ISA/IEA interchange, GS/GE functional groups, ST/SE transaction sets), with no knowledge of
what the transaction sets mean (`vendor_edi` maps Amazon's).

Reading (`read_interchange`). The separators are the interchange's own: the element
separator is the ISA's 4th character, the component separator ISA16, the segment terminator
the character right after ISA16; line ends after a terminator (CR, LF) are tolerated. ISA11
other than "U" is taken as a repetition separator (kept in `Separators`; 004010 has no
repeating element, so nothing is split on it). Checked, each with the code a TA1 or a 997
would report it with:
- the interchange (refused whole, `InterchangeNote` codes): an ISA of other than 106
  characters up to and including its terminator (the field that has the wrong width is
  named), separators that are letters, digits, blanks or the same character twice, a
  version other than 00401, a control number that is not 9 digits, an usage indicator other
  than P or T, a date or time that is none, a segment outside any group, a missing IEA,
  IEA01 other than the number of groups, IEA02 other than ISA13;
- each functional group (`GroupError` codes, the group is rejected, the other groups are
  read): a version (GS08) that is not 004010, a control number that is not 1 to 9 digits, a
  missing GE, GE01 other than the number of transaction sets, GE02 other than GS06;
- each transaction set (`SetError` and `SegmentError` codes: that set is unreadable, the
  others are read): ST01 that is not 3 digits or does not belong to the group's functional
  id code, ST02 that is not 4 to 9 characters or is used twice in the group, a missing SE,
  SE01 other than the number of segments from ST to SE inclusive, SE02 other than ST02, a
  segment id that is not 2 or 3 capital letters and digits.
Every error is an `X12Error` naming where it is (interchange, group and transaction set
control numbers, segment position, counted from ST = 1, segment id, element and component
positions) and its code; messages carry codes and control numbers, never element text (the
buyer's name and address travel in direct fulfilment orders).

Writing (`write_interchange`). One interchange of one functional group: ISA (sender and
receiver padded to 15 characters, control number zero-padded to 9 digits, version 00401),
GS (functional id code from the transaction sets, version 004010), the transaction sets
between ST and SE, GE and IEA, whose counts are computed. An element is a string (""
or None for an empty one) or a tuple of components; trailing empty elements and components
are left out, as X12 requires. Refused: a separator inside an element, separators that are
not distinct single non-alphanumeric characters, transaction sets of different functional
groups in one interchange, and envelope values of the wrong form.
"""

import re
from dataclasses import dataclass, field, replace
from datetime import datetime

from .common import AmazonDocumentError, decode_text

DOCUMENT = "X12 interchange"

ISA_LENGTH = 106
INTERCHANGE_VERSION = "00401"  # ISA12
GROUP_VERSION = "004010"  # GS08 starts with it
STANDARDS_IDENTIFIER = "U"  # ISA11 of 00401: U.S. EDI Community of ASC X12, TDCC and UCS
RESPONSIBLE_AGENCY = "X"  # GS07: Accredited Standards Committee X12
NO_AUTHORIZATION = "00"  # ISA01 and ISA03: no authorization / security information
ACKNOWLEDGMENT_REQUESTED = "1"  # ISA14 (TA1 requested)
NO_ACKNOWLEDGMENT_REQUESTED = "0"
INTERCHANGE_ID_WIDTH = 15
# ISA01 to ISA16: each has a fixed width.
ISA_FIELD_WIDTHS = (2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1)
ENVELOPE_SEGMENTS = frozenset({"ISA", "IEA", "GS", "GE", "ST", "SE"})
INTERCHANGE_ACKNOWLEDGEMENT = "TA1"  # may sit between ISA and the first GS

_SEGMENT_ID = re.compile(r"^[A-Z][A-Z0-9]{1,2}$")
_TRANSACTION_SET_ID = re.compile(r"^\d{3}$")
_TRANSACTION_SET_CONTROL = re.compile(r"^[A-Za-z0-9]{4,9}$")
_INTERCHANGE_CONTROL = re.compile(r"^\d{9}$")
_GROUP_CONTROL = re.compile(r"^\d{1,9}$")
_FUNCTIONAL_ID = re.compile(r"^[A-Z0-9]{2}$")
_QUALIFIER = re.compile(r"^[A-Z0-9]{2}$")
_LINE_ENDS = "\r\n"


class UsageIndicator:
    """ISA15."""

    PRODUCTION = "P"
    TEST = "T"


class FunctionalId:
    """GS01: the functional group of the transaction sets."""

    PURCHASE_ORDER = "PO"  # 850
    PURCHASE_ORDER_ACKNOWLEDGEMENT = "PR"  # 855
    SHIP_NOTICE = "SH"  # 856
    INVOICE = "IN"  # 810
    FUNCTIONAL_ACKNOWLEDGEMENT = "FA"  # 997
    ROUTING_REQUEST = "RF"  # 753
    ROUTING_INSTRUCTIONS = "RG"  # 754


class TransactionSetId:
    """ST01."""

    PURCHASE_ORDER = "850"
    PURCHASE_ORDER_ACKNOWLEDGEMENT = "855"
    SHIP_NOTICE = "856"
    INVOICE = "810"
    FUNCTIONAL_ACKNOWLEDGEMENT = "997"
    ROUTING_REQUEST = "753"
    ROUTING_INSTRUCTIONS = "754"


FUNCTIONAL_IDS = {
    TransactionSetId.PURCHASE_ORDER: FunctionalId.PURCHASE_ORDER,
    TransactionSetId.PURCHASE_ORDER_ACKNOWLEDGEMENT: FunctionalId.PURCHASE_ORDER_ACKNOWLEDGEMENT,
    TransactionSetId.SHIP_NOTICE: FunctionalId.SHIP_NOTICE,
    TransactionSetId.INVOICE: FunctionalId.INVOICE,
    TransactionSetId.FUNCTIONAL_ACKNOWLEDGEMENT: FunctionalId.FUNCTIONAL_ACKNOWLEDGEMENT,
    TransactionSetId.ROUTING_REQUEST: FunctionalId.ROUTING_REQUEST,
    TransactionSetId.ROUTING_INSTRUCTIONS: FunctionalId.ROUTING_INSTRUCTIONS,
}
USAGE_INDICATORS = (UsageIndicator.PRODUCTION, UsageIndicator.TEST)


class ErrorLevel:
    """Where an X12Error is, which decides how a 997 reports it."""

    INTERCHANGE = "interchange"  # the whole interchange: a TA1's business, no 997
    GROUP = "group"  # AK9: the group is rejected
    TRANSACTION_SET = "transaction set"  # AK5: the set is rejected
    SEGMENT = "segment"  # AK3, and AK5 "one or more segments in error"
    ELEMENT = "element"  # AK3 and AK4


class InterchangeNote:
    """TA105 interchange note codes (data element I18)."""

    CONTROL_NUMBER_MISMATCH = "001"  # ISA13 and IEA02 do not match
    VERSION_NOT_SUPPORTED = "003"
    SEGMENT_TERMINATOR = "004"
    SENDER_QUALIFIER = "005"
    SENDER_ID = "006"
    RECEIVER_QUALIFIER = "007"
    RECEIVER_ID = "008"
    AUTHORIZATION_QUALIFIER = "010"
    AUTHORIZATION = "011"
    SECURITY_QUALIFIER = "012"
    SECURITY = "013"
    DATE = "014"
    TIME = "015"
    STANDARDS_IDENTIFIER = "016"
    VERSION = "017"
    CONTROL_NUMBER = "018"
    ACKNOWLEDGMENT_REQUESTED = "019"
    USAGE_INDICATOR = "020"
    GROUP_COUNT = "021"  # IEA01 is not the number of groups
    PREMATURE_END = "023"
    CONTENT = "024"
    ELEMENT_SEPARATOR = "026"
    COMPONENT_SEPARATOR = "027"


class GroupError:
    """AK905 functional group syntax error codes (data element 716)."""

    NOT_SUPPORTED = "1"
    VERSION_NOT_SUPPORTED = "2"
    TRAILER_MISSING = "3"
    CONTROL_NUMBER_MISMATCH = "4"  # GS06 and GE02 do not agree
    SET_COUNT = "5"  # GE01 is not the number of transaction sets
    CONTROL_NUMBER_SYNTAX = "6"


class SetError:
    """AK502 (IK5 in a 999) transaction set syntax error codes (data element 718)."""

    NOT_SUPPORTED = "1"
    TRAILER_MISSING = "2"
    CONTROL_NUMBER_MISMATCH = "3"  # ST02 and SE02 do not match
    SEGMENT_COUNT = "4"  # SE01 is not the number of included segments
    SEGMENTS_IN_ERROR = "5"
    IDENTIFIER = "6"  # missing or invalid transaction set identifier
    CONTROL_NUMBER = "7"  # missing or invalid transaction set control number
    CONTROL_NUMBER_NOT_UNIQUE = "23"


class SegmentError:
    """AK304 segment syntax error codes (data element 720)."""

    UNRECOGNIZED = "1"
    UNEXPECTED = "2"
    MANDATORY_MISSING = "3"
    LOOP_OVER_MAXIMUM = "4"
    OVER_MAXIMUM_USE = "5"
    NOT_IN_SET = "6"
    OUT_OF_SEQUENCE = "7"
    ELEMENT_ERRORS = "8"


class ElementError:
    """AK403 data element syntax error codes (data element 723)."""

    MANDATORY_MISSING = "1"
    CONDITIONAL_MISSING = "2"
    TOO_MANY = "3"
    TOO_SHORT = "4"
    TOO_LONG = "5"
    INVALID_CHARACTER = "6"
    INVALID_CODE = "7"
    INVALID_DATE = "8"
    INVALID_TIME = "9"
    EXCLUSION_VIOLATED = "10"


class AcknowledgementCode:
    """AK501 (transaction set) and AK901 (group) acknowledgement codes."""

    ACCEPTED = "A"
    ACCEPTED_WITH_ERRORS = "E"
    PARTIALLY_ACCEPTED = "P"  # AK901 only: at least one transaction set was rejected
    REJECTED = "R"


# ISA field (1-based) -> the note code of a wrong value there.
_ISA_FIELD_NOTES = {
    1: InterchangeNote.AUTHORIZATION_QUALIFIER,
    2: InterchangeNote.AUTHORIZATION,
    3: InterchangeNote.SECURITY_QUALIFIER,
    4: InterchangeNote.SECURITY,
    5: InterchangeNote.SENDER_QUALIFIER,
    6: InterchangeNote.SENDER_ID,
    7: InterchangeNote.RECEIVER_QUALIFIER,
    8: InterchangeNote.RECEIVER_ID,
    9: InterchangeNote.DATE,
    10: InterchangeNote.TIME,
    11: InterchangeNote.STANDARDS_IDENTIFIER,
    12: InterchangeNote.VERSION,
    13: InterchangeNote.CONTROL_NUMBER,
    14: InterchangeNote.ACKNOWLEDGMENT_REQUESTED,
    15: InterchangeNote.USAGE_INDICATOR,
    16: InterchangeNote.COMPONENT_SEPARATOR,
}


class X12Error(AmazonDocumentError):
    """An X12 document that is malformed, or that its implementation guide rules out: `code`
    is the TA1/997 code of the error at `level` (an ErrorLevel); the other attributes say
    where it is ("" or None when not known)."""

    def __init__(
        self,
        message,
        *,
        code,
        level,
        document=DOCUMENT,
        interchange="",
        group="",
        transaction_set="",
        transaction_set_id="",
        segment_position=None,
        segment_id="",
        element_position=None,
        component_position=None,
    ):
        parts = []
        if interchange:
            parts.append(f"interchange {interchange}")
        if group:
            parts.append(f"group {group}")
        if transaction_set:
            label = f"{transaction_set_id} " if transaction_set_id else ""
            parts.append(f"transaction set {label}{transaction_set}")
        if segment_position is not None or segment_id:
            position = f" {segment_position}" if segment_position is not None else ""
            parts.append(f"segment{position} {segment_id}".rstrip())
        if element_position is not None:
            component = f"-{component_position}" if component_position is not None else ""
            parts.append(f"element {element_position:02d}{component}")
        parts.append(f"{level} code {code}")
        super().__init__(message, document=document, path=" / ".join(parts))
        self.code = code
        self.level = level
        self.interchange = interchange
        self.group = group
        self.transaction_set = transaction_set
        self.transaction_set_id = transaction_set_id
        self.segment_position = segment_position
        self.segment_id = segment_id
        self.element_position = element_position
        self.component_position = component_position


# Values


@dataclass(frozen=True)
class Separators:
    """The delimiters of an interchange. `line_ending` follows each segment terminator ("",
    "\\n" or "\\r\\n"; read as found after the ISA, CR and LF being tolerated after any
    segment); `repetition` is ISA11 when it is not "U" (none in 004010)."""

    element: str = "*"
    component: str = ">"
    segment: str = "~"
    line_ending: str = ""
    repetition: str = ""


DEFAULT_SEPARATORS = Separators()


@dataclass(frozen=True)
class Segment:
    """One segment: its id and its elements, each a tuple of its components (one for a
    simple element). `position` counts from ST = 1 within a transaction set (0 outside one).
    Elements and components are numbered from 1, as X12 names them (BEG03 is element(3))."""

    id: str
    elements: tuple[tuple[str, ...], ...] = ()
    position: int = 0

    def __len__(self):
        return len(self.elements)

    def element(self, index, default=""):
        """The text of element `index` (a composite's first component), `default` when the
        segment has no such element or it is empty."""
        return self.component(index, 1, default)

    def component(self, index, component, default=""):
        """The text of component `component` of element `index`."""
        if not 1 <= index <= len(self.elements):
            return default
        components = self.elements[index - 1]
        if not 1 <= component <= len(components):
            return default
        return components[component - 1] or default

    def composite(self, index):
        """The components of element `index`, () when absent."""
        if not 1 <= index <= len(self.elements):
            return ()
        components = self.elements[index - 1]
        return () if components == ("",) else components

    def is_composite(self, index):
        return len(self.composite(index)) > 1


@dataclass(frozen=True)
class TransactionSet:
    """One transaction set, between its ST and its SE (not included in `segments`), with
    the envelope it came in."""

    id_code: str  # ST01: 850, 855, 856, 810, 997...
    control_number: str  # ST02
    segments: tuple[Segment, ...]
    functional_id: str = ""  # GS01 of its group
    group_control_number: str = ""
    interchange_control_number: str = ""
    sender: str = ""  # GS02: the application sender's code (AMAZON, AMAZONDS)
    receiver: str = ""  # GS03
    version: str = GROUP_VERSION  # GS08

    def first(self, segment_id):
        """The first segment with that id, None without one."""
        return next((segment for segment in self.segments if segment.id == segment_id), None)

    def all(self, segment_id):
        return tuple(segment for segment in self.segments if segment.id == segment_id)

    def error(
        self,
        message,
        *,
        code,
        segment=None,
        element=None,
        component=None,
        level=None,
        document=DOCUMENT,
    ):
        """An X12Error located in this transaction set (at `segment`, its `element` and
        `component` when given): level ELEMENT with an element, SEGMENT with a segment
        only, TRANSACTION_SET otherwise, unless `level` says."""
        if level is None:
            if element is not None:
                level = ErrorLevel.ELEMENT
            elif segment is not None:
                level = ErrorLevel.SEGMENT
            else:
                level = ErrorLevel.TRANSACTION_SET
        return X12Error(
            message,
            code=code,
            level=level,
            document=document,
            interchange=self.interchange_control_number,
            group=self.group_control_number,
            transaction_set=self.control_number,
            transaction_set_id=self.id_code,
            segment_position=None if segment is None else segment.position,
            segment_id="" if segment is None else segment.id,
            element_position=element,
            component_position=component,
        )


@dataclass(frozen=True)
class ReadTransactionSet:
    """One transaction set of a group, read on its own: the set, or why it is unreadable.
    `id_code` and `control_number` are ST01 and ST02 as given ("" when missing)."""

    id_code: str
    control_number: str
    transaction_set: TransactionSet | None = None
    error: X12Error | None = None


@dataclass(frozen=True)
class Group:
    """A functional group (GS to GE). With an `error` the group is rejected as a whole: its
    `transaction_sets` are then none (its `entries` still say what each set was)."""

    functional_id: str  # GS01: PO, PR, SH, IN, FA
    sender: str  # GS02
    receiver: str  # GS03
    date: datetime | None  # GS04 and GS05
    control_number: str  # GS06
    version: str  # GS08
    entries: tuple[ReadTransactionSet, ...]
    included_count: int | None = None  # GE01 as given, None without a readable GE
    error: X12Error | None = None

    @property
    def transaction_sets(self):
        """The readable transaction sets, () when the group is rejected."""
        if self.error is not None:
            return ()
        return tuple(entry.transaction_set for entry in self.entries if entry.error is None)

    @property
    def errors(self):
        """The group's error and those of its transaction sets."""
        found = [self.error] if self.error is not None else []
        return tuple(found + [entry.error for entry in self.entries if entry.error is not None])


@dataclass(frozen=True)
class Interchange:
    """An interchange (ISA to IEA). Sender and receiver ids are given without their
    padding."""

    sender_qualifier: str  # ISA05
    sender_id: str  # ISA06
    receiver_qualifier: str  # ISA07
    receiver_id: str  # ISA08
    date: datetime  # ISA09 and ISA10
    control_number: str  # ISA13, 9 digits
    usage: str  # ISA15: UsageIndicator
    acknowledgment_requested: bool  # ISA14
    separators: Separators
    groups: tuple[Group, ...]
    version: str = INTERCHANGE_VERSION
    interchange_acknowledgements: tuple[Segment, ...] = field(default=(), repr=False)

    @property
    def transaction_sets(self):
        """The readable transaction sets of the groups that are not rejected."""
        return tuple(ts for group in self.groups for ts in group.transaction_sets)

    @property
    def errors(self):
        return tuple(error for group in self.groups for error in group.errors)


# Reading


def read_interchange(content):
    """The Interchange of an X12 004010 text (str or bytes). Raises X12Error (level
    INTERCHANGE) when the envelope is malformed; errors of a group or a transaction set are
    kept in the Group or ReadTransactionSet they belong to (see the module's docstring)."""
    text = decode_text(content, document=DOCUMENT).lstrip(" \t" + _LINE_ENDS)
    fields, separators, end = _read_isa(text)
    after = text[end:]
    line_ending = after[: len(after) - len(after.lstrip(_LINE_ENDS))]
    if separators.segment not in _LINE_ENDS and line_ending in ("\n", "\r\n", "\r"):
        separators = replace(separators, line_ending=line_ending)
    segments = _split_segments(after, separators)
    return _Reader(fields, separators, segments).interchange(fields[13])


def _interchange_error(message, code, control="", segment_id=""):
    return X12Error(
        message,
        code=code,
        level=ErrorLevel.INTERCHANGE,
        interchange=control,
        segment_id=segment_id,
    )


def _read_isa(text):
    """(ISA01..ISA16 as a list with "ISA" first, Separators, index after the terminator)."""
    if not text.startswith("ISA"):
        raise _interchange_error("does not start with an ISA segment", InterchangeNote.CONTENT)
    if len(text) < ISA_LENGTH:
        raise _interchange_error(
            f"{len(text)} characters: shorter than an ISA segment ({ISA_LENGTH})",
            InterchangeNote.PREMATURE_END,
            segment_id="ISA",
        )
    element = text[3]
    if element.isalnum() or element.isspace():
        raise _interchange_error(
            f"element separator {element!r} is a letter, a digit or a blank",
            InterchangeNote.ELEMENT_SEPARATOR,
            segment_id="ISA",
        )
    last = -1
    for _ in range(len(ISA_FIELD_WIDTHS)):
        last = text.find(element, last + 1)
        if last == -1 or last + 2 >= len(text):
            raise _interchange_error(
                "the ISA segment ends before its 16 elements",
                InterchangeNote.PREMATURE_END,
                segment_id="ISA",
            )
    fields = text[: last + 2].split(element)
    terminator = text[last + 2]
    if last + 3 != ISA_LENGTH:
        _check_isa_widths(fields)
        raise _interchange_error(
            f"the ISA segment is {last + 3} characters, not {ISA_LENGTH}",
            InterchangeNote.CONTENT,
            segment_id="ISA",
        )
    component = fields[16]
    repetition = "" if fields[11] == STANDARDS_IDENTIFIER else fields[11]
    _check_separators(element, component, terminator, repetition)
    _check_isa_values(fields)
    separators = Separators(
        element=element, component=component, segment=terminator, repetition=repetition
    )
    return fields, separators, last + 3


def _check_isa_widths(fields):
    for index, width in enumerate(ISA_FIELD_WIDTHS, start=1):
        if len(fields[index]) != width:
            raise _interchange_error(
                f"ISA{index:02d} is {len(fields[index])} characters, not {width}",
                _ISA_FIELD_NOTES[index],
                segment_id="ISA",
            )


def _check_separators(element, component, terminator, repetition):
    if component.isalnum() or component.isspace() or component == element:
        raise _interchange_error(
            f"component separator {component!r} is a letter, a digit, a blank or the "
            "element separator",
            InterchangeNote.COMPONENT_SEPARATOR,
            segment_id="ISA",
        )
    if terminator.isalnum() or terminator in (element, component) or terminator == " ":
        raise _interchange_error(
            f"segment terminator {terminator!r} is a letter, a digit, a blank or another separator",
            InterchangeNote.SEGMENT_TERMINATOR,
            segment_id="ISA",
        )
    if repetition and (repetition.isalnum() or repetition in (element, component, terminator)):
        raise _interchange_error(
            f"ISA11 {repetition!r} is neither U nor a repetition separator",
            InterchangeNote.STANDARDS_IDENTIFIER,
            segment_id="ISA",
        )


def _check_isa_values(fields):
    control = fields[13]
    checks = (
        (12, fields[12] == INTERCHANGE_VERSION, f"version {fields[12]!r} is not 00401"),
        (13, bool(_INTERCHANGE_CONTROL.match(control)), "ISA13 is not 9 digits"),
        (
            14,
            fields[14] in (NO_ACKNOWLEDGMENT_REQUESTED, ACKNOWLEDGMENT_REQUESTED),
            f"ISA14 {fields[14]!r} is not 0 or 1",
        ),
        (15, fields[15] in USAGE_INDICATORS, f"ISA15 {fields[15]!r} is not P or T"),
        (5, bool(_QUALIFIER.match(fields[5])), f"ISA05 {fields[5]!r} is not a qualifier"),
        (7, bool(_QUALIFIER.match(fields[7])), f"ISA07 {fields[7]!r} is not a qualifier"),
        (6, bool(fields[6].strip()), "no interchange sender id"),
        (8, bool(fields[8].strip()), "no interchange receiver id"),
    )
    for index, valid, message in checks:
        if not valid:
            code = InterchangeNote.VERSION_NOT_SUPPORTED if index == 12 else _ISA_FIELD_NOTES[index]
            raise _interchange_error(message, code, control, "ISA")
    _interchange_date(fields, control)


def _interchange_date(fields, control):
    try:
        day = datetime.strptime(fields[9], "%y%m%d")
    except ValueError:
        raise _interchange_error(
            f"ISA09 {fields[9]!r} is not a date (YYMMDD)", InterchangeNote.DATE, control, "ISA"
        ) from None
    try:
        moment = datetime.strptime(fields[10], "%H%M")
    except ValueError:
        raise _interchange_error(
            f"ISA10 {fields[10]!r} is not a time (HHMM)", InterchangeNote.TIME, control, "ISA"
        ) from None
    return day.replace(hour=moment.hour, minute=moment.minute)


def _split_segments(text, separators):
    """The Segments after the ISA (position 0). An empty segment (two terminators in a
    row) is kept as a segment without id."""
    pieces = text.split(separators.segment)
    blanks = "".join(ch for ch in _LINE_ENDS if ch != separators.segment)
    segments = []
    for index, raw in enumerate(pieces):
        piece = raw.lstrip(blanks)
        if not piece:
            if index == len(pieces) - 1:
                break
            segments.append(Segment(""))
            continue
        if index == len(pieces) - 1 and not piece.strip():
            break
        elements = piece.split(separators.element)
        segments.append(
            Segment(
                elements[0],
                tuple(tuple(value.split(separators.component)) for value in elements[1:]),
            )
        )
    return segments


def _shown_id(segment_id):
    """A segment id fit for a message: only one that looks like an id (a misplaced
    terminator could turn a buyer's name into one)."""
    return segment_id if _SEGMENT_ID.match(segment_id) else "(unrecognised)"


class _Reader:
    """Walks the segments after the ISA into groups and transaction sets."""

    def __init__(self, fields, separators, segments):
        self.fields = fields
        self.separators = separators
        self.segments = segments
        self.control = fields[13]
        self.index = 0

    def _peek(self):
        return self.segments[self.index] if self.index < len(self.segments) else None

    def interchange(self, control):
        groups, acknowledgements = [], []
        while (segment := self._peek()) is not None and segment.id != "IEA":
            if segment.id == "GS":
                groups.append(self._group())
            elif segment.id == INTERCHANGE_ACKNOWLEDGEMENT and not groups:
                acknowledgements.append(segment)
                self.index += 1
            else:
                raise _interchange_error(
                    f"segment {_shown_id(segment.id)} outside a functional group",
                    InterchangeNote.CONTENT,
                    control,
                    _shown_id(segment.id),
                )
        trailer = self._peek()
        if trailer is None:
            raise _interchange_error(
                "no IEA: the interchange ends before its trailer",
                InterchangeNote.PREMATURE_END,
                control,
            )
        if self.index + 1 < len(self.segments):
            raise _interchange_error(
                "segments after the IEA (one interchange is read at a time)",
                InterchangeNote.CONTENT,
                control,
                "IEA",
            )
        if trailer.element(2) != control:
            raise _interchange_error(
                f"IEA02 {trailer.element(2)!r} is not ISA13 {control}",
                InterchangeNote.CONTROL_NUMBER_MISMATCH,
                control,
                "IEA",
            )
        if trailer.element(1) != str(len(groups)):
            raise _interchange_error(
                f"IEA01 {trailer.element(1)!r} is not the number of groups ({len(groups)})",
                InterchangeNote.GROUP_COUNT,
                control,
                "IEA",
            )
        fields = self.fields
        return Interchange(
            sender_qualifier=fields[5],
            sender_id=fields[6].strip(),
            receiver_qualifier=fields[7],
            receiver_id=fields[8].strip(),
            date=_interchange_date(fields, control),
            control_number=control,
            usage=fields[15],
            acknowledgment_requested=fields[14] == ACKNOWLEDGMENT_REQUESTED,
            separators=self.separators,
            groups=tuple(groups),
            interchange_acknowledgements=tuple(acknowledgements),
        )

    def _group(self):
        header = self._peek()
        self.index += 1
        control = header.element(6)
        functional_id = header.element(1)
        context = {
            "functional_id": functional_id,
            "group_control_number": control,
            "interchange_control_number": self.control,
            "sender": header.element(2),
            "receiver": header.element(3),
            "version": header.element(8),
        }
        error = self._group_header_error(header, control)
        entries, stray = [], None
        while (segment := self._peek()) is not None and segment.id not in ("GE", "GS", "IEA"):
            if segment.id == "ST":
                entries.append(self._transaction_set(context))
                continue
            stray = stray or segment
            self.index += 1
        if error is None and stray is not None:
            error = self._group_error(
                f"segment {_shown_id(stray.id)} outside a transaction set",
                SegmentError.UNEXPECTED,
                control,
                segment_id=_shown_id(stray.id),
                level=ErrorLevel.SEGMENT,
            )
        included = None
        trailer = self._peek()
        if trailer is not None and trailer.id == "GE":
            self.index += 1
            included = _integer(trailer.element(1))
            if error is None:
                error = self._group_trailer_error(trailer, control, len(entries))
        elif error is None:
            error = self._group_error(
                "no GE: the group ends before its trailer", GroupError.TRAILER_MISSING, control
            )
        return Group(
            functional_id=functional_id,
            sender=header.element(2),
            receiver=header.element(3),
            date=_group_date(header),
            control_number=control,
            version=header.element(8),
            entries=_unique_control_numbers(entries),
            included_count=included,
            error=error,
        )

    def _group_error(self, message, code, control, *, segment_id="", level=ErrorLevel.GROUP):
        return X12Error(
            message,
            code=code,
            level=level,
            interchange=self.control,
            group=control,
            segment_id=segment_id,
        )

    def _group_header_error(self, header, control):
        if not _GROUP_CONTROL.match(control):
            return self._group_error(
                "GS06 is not a control number of 1 to 9 digits",
                GroupError.CONTROL_NUMBER_SYNTAX,
                control,
                segment_id="GS",
            )
        if not _FUNCTIONAL_ID.match(header.element(1)):
            return self._group_error(
                "GS01 is not a functional identifier code", GroupError.NOT_SUPPORTED, control
            )
        version = header.element(8)
        if not version.startswith(GROUP_VERSION) or header.element(7) != RESPONSIBLE_AGENCY:
            return self._group_error(
                f"version {header.element(7)!r} {version!r} is not X 004010",
                GroupError.VERSION_NOT_SUPPORTED,
                control,
                segment_id="GS",
            )
        if _group_date(header) is None:
            return self._group_error(
                "GS04/GS05 is not a date (CCYYMMDD) and time (HHMM)",
                SegmentError.ELEMENT_ERRORS,
                control,
                segment_id="GS",
                level=ErrorLevel.SEGMENT,
            )
        return None

    def _group_trailer_error(self, trailer, control, count):
        if trailer.element(2) != control:
            return self._group_error(
                f"GE02 {trailer.element(2)!r} is not GS06 {control}",
                GroupError.CONTROL_NUMBER_MISMATCH,
                control,
                segment_id="GE",
            )
        if trailer.element(1) != str(count):
            return self._group_error(
                f"GE01 {trailer.element(1)!r} is not the number of transaction sets ({count})",
                GroupError.SET_COUNT,
                control,
                segment_id="GE",
            )
        return None

    def _transaction_set(self, context):
        header = self._peek()
        self.index += 1
        body = []
        while (segment := self._peek()) is not None and segment.id not in (
            "SE",
            "ST",
            "GE",
            "GS",
            "IEA",
        ):
            body.append(replace(segment, position=len(body) + 2))
            self.index += 1
        trailer = self._peek()
        if trailer is not None and trailer.id == "SE":
            self.index += 1
            trailer = replace(trailer, position=len(body) + 2)
        else:
            trailer = None
        transaction_set = TransactionSet(
            id_code=header.element(1),
            control_number=header.element(2),
            segments=tuple(body),
            **context,
        )
        error = _transaction_set_error(transaction_set, replace(header, position=1), trailer)
        return ReadTransactionSet(
            id_code=transaction_set.id_code,
            control_number=transaction_set.control_number,
            transaction_set=None if error else transaction_set,
            error=error,
        )


def _transaction_set_error(transaction_set, header, trailer):
    """The first envelope or segment id problem of a transaction set, None without."""
    id_code, control = transaction_set.id_code, transaction_set.control_number
    expected = FUNCTIONAL_IDS.get(id_code)
    count = len(transaction_set.segments) + 2
    given_count = trailer.element(1) if trailer is not None else ""
    given_control = trailer.element(2) if trailer is not None else ""
    checks = (
        (
            not _TRANSACTION_SET_ID.match(id_code),
            "ST01 is not a transaction set identifier of 3 digits",
            SetError.IDENTIFIER,
            header,
            1,
        ),
        (
            expected is not None and expected != transaction_set.functional_id,
            f"a {id_code} belongs to a {expected} group, not to a "
            f"{transaction_set.functional_id} one",
            SetError.IDENTIFIER,
            header,
            1,
        ),
        (
            not _TRANSACTION_SET_CONTROL.match(control),
            "ST02 is not a control number of 4 to 9 characters",
            SetError.CONTROL_NUMBER,
            header,
            2,
        ),
        (
            trailer is None,
            "no SE: the transaction set ends before its trailer",
            SetError.TRAILER_MISSING,
            None,
            None,
        ),
        (
            trailer is not None and given_count != str(count),
            f"SE01 {given_count!r} is not the number of segments from ST to SE ({count})",
            SetError.SEGMENT_COUNT,
            trailer,
            1,
        ),
        (
            trailer is not None and given_control != control,
            f"SE02 {given_control!r} is not ST02 {control}",
            SetError.CONTROL_NUMBER_MISMATCH,
            trailer,
            2,
        ),
    )
    for failed, message, code, segment, element in checks:
        if failed:
            return transaction_set.error(
                message,
                code=code,
                segment=segment,
                element=element,
                level=ErrorLevel.TRANSACTION_SET,
            )
    for segment in transaction_set.segments:
        if not _SEGMENT_ID.match(segment.id) or segment.id in ENVELOPE_SEGMENTS:
            return transaction_set.error(
                "a segment id that is not 2 or 3 capital letters and digits",
                code=SegmentError.UNRECOGNIZED,
                segment=replace(segment, id=_shown_id(segment.id)),
            )
    return None


def _unique_control_numbers(entries):
    """The entries, those whose ST02 an earlier set of the group has turned into errors."""
    seen, checked = set(), []
    for entry in entries:
        if entry.control_number in seen and entry.error is None:
            error = entry.transaction_set.error(
                f"ST02 {entry.control_number} is used twice in the group",
                code=SetError.CONTROL_NUMBER_NOT_UNIQUE,
            )
            checked.append(replace(entry, transaction_set=None, error=error))
        else:
            checked.append(entry)
        seen.add(entry.control_number)
    return tuple(checked)


def _group_date(header):
    date, time = header.element(4), header.element(5)
    if len(date) != 8 or len(time) not in (4, 6, 7, 8):
        return None
    try:
        return datetime.strptime(date + time[:4], "%Y%m%d%H%M")
    except ValueError:
        return None


def _integer(text):
    return int(text) if text.isdigit() else None


# Writing


@dataclass(frozen=True)
class OutgoingTransactionSet:
    """A transaction set to write: its id code (ST01) and its segments between ST and SE,
    each a sequence of the segment id and its elements (a string, "" or None when empty, or
    a tuple of components). `control_number` "" is numbered 0001, 0002... in the
    interchange."""

    id_code: str
    segments: tuple
    control_number: str = ""


def write_interchange(
    transaction_sets,
    *,
    sender_qualifier,
    sender_id,
    receiver_qualifier,
    receiver_id,
    control_number,
    group_control_number,
    created,
    usage=UsageIndicator.PRODUCTION,
    separators=DEFAULT_SEPARATORS,
    acknowledgment_requested=False,
    group_sender="",
    group_receiver="",
):
    """The X12 text of one interchange of one functional group holding `transaction_sets`
    (OutgoingTransactionSets of one functional group). The GS sender and receiver codes are
    the interchange ids unless given. Raises X12Error for what X12 rules out (see the
    module's docstring)."""
    interchange = _control_number(control_number, 9, "interchange control number")
    group = _control_number(group_control_number, 0, "group control number")
    _check_outgoing_separators(separators)
    sets = list(transaction_sets or ())
    if not sets:
        raise _write_error("no transaction set to send", InterchangeNote.CONTENT, interchange)
    functional_ids = {FUNCTIONAL_IDS.get(getattr(ts, "id_code", None)) for ts in sets}
    if None in functional_ids or len(functional_ids) != 1:
        raise _write_error(
            "transaction sets of unknown or different functional groups (one group per "
            f"interchange: {', '.join(FUNCTIONAL_IDS)})",
            GroupError.NOT_SUPPORTED,
            interchange,
        )
    if not isinstance(created, datetime):
        raise _write_error("the creation date is not a datetime", InterchangeNote.DATE, interchange)
    if usage not in USAGE_INDICATORS:
        raise _write_error(
            f"usage indicator {usage!r} is not P or T", InterchangeNote.USAGE_INDICATOR, interchange
        )
    isa = [
        "ISA",
        NO_AUTHORIZATION,
        " " * 10,
        NO_AUTHORIZATION,
        " " * 10,
        _qualifier(sender_qualifier, InterchangeNote.SENDER_QUALIFIER, interchange),
        _interchange_id(sender_id, InterchangeNote.SENDER_ID, interchange),
        _qualifier(receiver_qualifier, InterchangeNote.RECEIVER_QUALIFIER, interchange),
        _interchange_id(receiver_id, InterchangeNote.RECEIVER_ID, interchange),
        created.strftime("%y%m%d"),
        created.strftime("%H%M"),
        separators.repetition or STANDARDS_IDENTIFIER,
        INTERCHANGE_VERSION,
        interchange,
        ACKNOWLEDGMENT_REQUESTED if acknowledgment_requested else NO_ACKNOWLEDGMENT_REQUESTED,
        usage,
        separators.component,
    ]
    lines = [separators.element.join(isa)]
    writer = _SegmentWriter(separators, interchange, group)
    lines.append(
        writer.segment(
            (
                "GS",
                functional_ids.pop(),
                group_sender or sender_id.strip(),
                group_receiver or receiver_id.strip(),
                created.strftime("%Y%m%d"),
                created.strftime("%H%M"),
                group,
                RESPONSIBLE_AGENCY,
                GROUP_VERSION,
            )
        )
    )
    used = set()
    for number, outgoing in enumerate(sets, start=1):
        lines.extend(writer.transaction_set(outgoing, number, used))
    lines.append(writer.segment(("GE", str(len(sets)), group)))
    lines.append(writer.segment(("IEA", "1", interchange)))
    end = separators.segment + separators.line_ending
    return end.join(lines) + end


def _write_error(message, code, interchange="", level=ErrorLevel.INTERCHANGE, **where):
    return X12Error(message, code=code, level=level, interchange=interchange, **where)


def _control_number(value, width, label):
    """A control number of 1 to 9 digits, zero-padded to `width`."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise _write_error(f"{label} {value!r} is not a number", InterchangeNote.CONTROL_NUMBER)
    text = str(value)
    if not text.isdigit() or not 1 <= int(text) <= 999_999_999:
        raise _write_error(
            f"{label} {value!r} is not a number from 1 to 999999999",
            InterchangeNote.CONTROL_NUMBER,
        )
    return text.zfill(width) if width else str(int(text))


def _qualifier(value, code, interchange):
    if not isinstance(value, str) or not _QUALIFIER.match(value):
        raise _write_error(f"qualifier {value!r} is not 2 characters", code, interchange)
    return value


def _interchange_id(value, code, interchange):
    if not isinstance(value, str) or not value.strip() or len(value) > INTERCHANGE_ID_WIDTH:
        raise _write_error(
            f"interchange id {value!r} is empty or longer than {INTERCHANGE_ID_WIDTH}",
            code,
            interchange,
        )
    return value.ljust(INTERCHANGE_ID_WIDTH)


def _check_outgoing_separators(separators):
    values = (separators.element, separators.component, separators.segment)
    chosen = [*values, separators.repetition] if separators.repetition else list(values)
    if any(not isinstance(value, str) or len(value) != 1 for value in chosen):
        raise _write_error("separators must be single characters", InterchangeNote.CONTENT)
    if any(value.isalnum() or value.isspace() for value in chosen) or len(set(chosen)) != len(
        chosen
    ):
        raise _write_error(
            "separators must be distinct characters that are neither letters, digits nor blanks",
            InterchangeNote.ELEMENT_SEPARATOR,
        )
    if separators.line_ending not in ("", "\n", "\r\n"):
        raise _write_error(
            "the line ending after a segment is '', LF or CR LF", InterchangeNote.CONTENT
        )


class _SegmentWriter:
    """Formats segments with the interchange's separators, refusing separators in data."""

    def __init__(self, separators, interchange, group):
        self.separators = separators
        self.interchange = interchange
        self.group = group
        self.reserved = {
            separators.element,
            separators.component,
            separators.segment,
            *separators.line_ending,
            *([separators.repetition] if separators.repetition else []),
        }

    def transaction_set(self, outgoing, number, used):
        if not isinstance(outgoing, OutgoingTransactionSet):
            raise _write_error(
                f"expected an OutgoingTransactionSet, not {type(outgoing).__name__}",
                SetError.IDENTIFIER,
                self.interchange,
                level=ErrorLevel.TRANSACTION_SET,
            )
        control = outgoing.control_number or f"{number:04d}"
        if not _TRANSACTION_SET_CONTROL.match(control) or control in used:
            raise _write_error(
                f"transaction set control number {control!r} is not 4 to 9 letters or digits, "
                "or is used twice",
                SetError.CONTROL_NUMBER,
                self.interchange,
                level=ErrorLevel.TRANSACTION_SET,
                group=self.group,
                transaction_set=control,
            )
        used.add(control)
        body = list(outgoing.segments or ())
        lines = [self.segment(("ST", outgoing.id_code, control), control, outgoing.id_code, 1)]
        lines.extend(
            self.segment(segment, control, outgoing.id_code, position)
            for position, segment in enumerate(body, start=2)
        )
        lines.append(self.segment(("SE", str(len(body) + 2), control)))
        return lines

    def segment(self, values, control="", id_code="", position=None):
        values = tuple(values)
        where = {
            "group": self.group,
            "transaction_set": control,
            "transaction_set_id": id_code,
            "segment_position": position,
        }
        segment_id = values[0] if values else ""
        if not isinstance(segment_id, str) or not _SEGMENT_ID.match(segment_id):
            raise _write_error(
                f"segment id {segment_id!r} is not 2 or 3 capital letters and digits",
                SegmentError.UNRECOGNIZED,
                self.interchange,
                level=ErrorLevel.SEGMENT,
                **where,
            )
        where["segment_id"] = segment_id
        elements = [
            self._element(value, index, where) for index, value in enumerate(values[1:], start=1)
        ]
        while elements and not elements[-1]:
            elements.pop()
        return self.separators.element.join([segment_id, *elements])

    def _element(self, value, index, where):
        if value is None:
            return ""
        components = value if isinstance(value, tuple) else (value,)
        texts = []
        for position, given in enumerate(components, start=1):
            component = "" if given is None else given
            if not isinstance(component, str):
                raise _write_error(
                    f"element value should be text, not {type(component).__name__}",
                    ElementError.INVALID_CHARACTER,
                    self.interchange,
                    level=ErrorLevel.ELEMENT,
                    element_position=index,
                    component_position=position if len(components) > 1 else None,
                    **where,
                )
            if self.reserved.intersection(component):
                raise _write_error(
                    "element value holds a separator of the interchange",
                    ElementError.INVALID_CHARACTER,
                    self.interchange,
                    level=ErrorLevel.ELEMENT,
                    element_position=index,
                    component_position=position if len(components) > 1 else None,
                    **where,
                )
            texts.append(component)
        while texts and not texts[-1]:
            texts.pop()
        return self.separators.component.join(texts)
