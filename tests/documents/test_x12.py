"""X12 004010 envelopes: Amazon's direct fulfilment 850 samples read with the separators
their ISA declares, malformed interchanges, groups and transaction sets refused with their
TA1/997 code and place (without hiding the good sets of other groups), and interchanges
written by us read back equal, by our reader and by an independent one (pyx12's)."""

import io
from datetime import datetime

import pytest

from amazon_emulator import find_models_dir
from amazon_sp.documents.x12 import (
    DEFAULT_SEPARATORS,
    ISA_LENGTH,
    ElementError,
    ErrorLevel,
    GroupError,
    InterchangeNote,
    OutgoingTransactionSet,
    SegmentError,
    Separators,
    SetError,
    UsageIndicator,
    X12Error,
    read_interchange,
    write_interchange,
)

FREIGHT_TRUST = "850-direct-fulfillment-freighttrust-DF850.x12"
ONE_ITEM = "850-direct-fulfillment-AMAZONDS-1item-suhaspuli-x122.x12"
THREE_ITEMS = "850-direct-fulfillment-AMAZONDS-3items-suhaspuli-x121.x12"
CREATED = datetime(2026, 3, 2, 9, 30)


def models_x12_dir():
    """Amazon's X12 samples folder (`x12/` of the models folder), the test skipped without."""
    models = find_models_dir()
    if models is None or not (models / "x12").is_dir():
        pytest.skip("Amazon models folder with x12/ not found (set AMAZON_MODELS_DIR)")
    return models / "x12"


def sample(name):
    """The text of one of Amazon's X12 samples, as its bytes decode (CR LF kept)."""
    return (models_x12_dir() / name).read_bytes().decode("ascii")


def independent_segments(text):
    """(segments, errors) of `text` read by pyx12's generic X12 reader (its envelope checks
    and tokenizer, none of its HIPAA maps): segments as (id, ((component, ...), ...)),
    envelope segments included; errors as pyx12 reports them."""
    x12file = pytest.importorskip(
        "pyx12.x12file", reason="pyx12 (the independent X12 reader) is not installed"
    )
    reader = x12file.X12Reader(io.StringIO(text))
    segments = [
        (
            segment.get_seg_id(),
            tuple(
                tuple(element.get_value() for element in composite.elements)
                for composite in segment.elements
            ),
        )
        for segment in reader
    ]
    reader.cleanup()
    return segments, reader.pop_errors()


def our_segments(interchange):
    """The segments of an Interchange as `independent_segments` gives them, ISA to IEA."""
    found = []
    for group in interchange.groups:
        found.append(("GS", ()))
        for transaction_set in group.transaction_sets:
            found.append(("ST", ((transaction_set.id_code,), (transaction_set.control_number,))))
            found.extend((segment.id, segment.elements) for segment in transaction_set.segments)
            found.append(("SE", ()))
        found.append(("GE", ()))
    return found


def comparable(segments):
    """Envelope segments reduced to their id (their values are checked apart)."""
    return [
        (segment_id,) if segment_id in ("GS", "GE", "SE") else (segment_id, elements)
        for segment_id, elements in segments
        if segment_id not in ("ISA", "IEA")
    ]


def interchange_text(*groups, control="000000007", groups_count=None, usage="T"):
    """A hand-written interchange of `groups` (texts of GS to GE), Amazon retail style."""
    count = len(groups) if groups_count is None else groups_count
    isa = (
        "ISA*00*          *00*          *ZZ*AMAZON         *ZZ*VENDORX        *260302*0930*U*"
        f"00401*{control}*0*{usage}*>~"
    )
    return isa + "".join(groups) + f"IEA*{count}*{control}~"


def po_group(control="11", sets=None, count=None, trailer_control=None):
    sets = sets if sets is not None else [purchase_order_set("0001")]
    number = len(sets) if count is None else count
    return (
        f"GS*PO*AMAZON*VENDORX*20260302*0930*{control}*X*004010~"
        + "".join(sets)
        + f"GE*{number}*{trailer_control or control}~"
    )


def purchase_order_set(control, segment_count=None, trailer_control=None):
    body = [
        "BEG*00*NE*2JK3S9VC**20260302",
        "CSH*N",
        "N1*ST**92*ABE2",
        "PO1*1*10*EA*12.50*PE*BP*B000000001",
        "CTT*1*10",
    ]
    count = len(body) + 2 if segment_count is None else segment_count
    return (
        f"ST*850*{control}~"
        + "".join(f"{segment}~" for segment in body)
        + f"SE*{count}*{trailer_control or control}~"
    )


# Amazon's samples


# (component separator, line ending, ISA13, GS06, ISA15, PO1 count) of each sample.
SAMPLES = {
    FREIGHT_TRUST: (":", "\r\n", "000000043", "43", "T", 1),
    ONE_ITEM: (">", "\n", "000000013", "96", "P", 1),
    THREE_ITEMS: (">", "\n", "000000040", "95", "P", 3),
}


@pytest.mark.parametrize("name", list(SAMPLES))
def test_amazon_samples_are_read_with_the_separators_of_their_isa(name):
    component, line_ending, control, group, usage, items = SAMPLES[name]
    interchange = read_interchange(sample(name))
    assert interchange.separators == Separators(
        element="*", component=component, segment="~", line_ending=line_ending
    )
    assert (interchange.sender_qualifier, interchange.sender_id) == ("ZZ", "AMAZONDS")
    assert interchange.control_number == control
    assert interchange.usage == usage
    assert interchange.errors == ()
    (read_group,) = interchange.groups
    assert (read_group.functional_id, read_group.control_number) == ("PO", group)
    assert read_group.sender == "AMAZONDS"
    assert read_group.version == "004010"
    (transaction_set,) = interchange.transaction_sets
    assert transaction_set.id_code == "850"
    assert transaction_set.group_control_number == group
    assert transaction_set.interchange_control_number == control
    assert len(transaction_set.all("PO1")) == items
    # SE01 counts ST and SE: the body is two segments fewer, positions start after ST.
    assert transaction_set.segments[0].id == "BEG"
    assert transaction_set.segments[0].position == 2
    assert transaction_set.segments[-1].id == "CTT"


def test_a_sample_composite_is_split_on_the_interchange_component_separator():
    transaction_set = read_interchange(sample(THREE_ITEMS)).transaction_sets[0]
    ref = transaction_set.first("REF")
    assert ref.element(1) == "OQ"
    assert ref.composite(4) == ("OS", "hi")
    assert ref.component(4, 2) == "hi"
    n9 = transaction_set.all("N9")[0]
    assert n9.composite(7) == ("ZD", "family")
    assert n9.element(3) == ""


@pytest.mark.parametrize("name", [FREIGHT_TRUST, ONE_ITEM, THREE_ITEMS])
def test_amazon_samples_read_like_the_independent_reader_reads_them(name):
    text = sample(name)
    segments, errors = independent_segments(text)
    assert errors == []
    assert comparable(segments) == comparable(our_segments(read_interchange(text)))


def test_bytes_with_a_bom_and_leading_blank_lines_are_read():
    text = "\n\r\n" + sample(ONE_ITEM)
    interchange = read_interchange(b"\xef\xbb\xbf" + text.encode("ascii"))
    assert interchange.transaction_sets[0].first("BEG").element(3) == "T7Fd9Zn55"


# Malformed transaction sets, groups and interchanges


def test_a_wrong_se_count_rejects_that_set_with_code_4_and_its_place():
    text = sample(FREIGHT_TRUST).replace("SE*27*0010", "SE*26*0010")
    (group,) = read_interchange(text).groups
    (entry,) = group.entries
    assert entry.transaction_set is None
    error = entry.error
    assert isinstance(error, X12Error)
    assert (error.level, error.code) == (ErrorLevel.TRANSACTION_SET, SetError.SEGMENT_COUNT)
    assert (error.interchange, error.group, error.transaction_set) == ("000000043", "43", "0010")
    assert (error.segment_id, error.segment_position, error.element_position) == ("SE", 27, 1)
    assert "SE01 '26'" in str(error)
    assert "interchange 000000043 / group 43 / transaction set 850 0010" in str(error)


def test_mismatched_st_and_se_control_numbers_reject_the_set_with_code_3():
    text = sample(ONE_ITEM).replace("SE*28*0001", "SE*28*0002")
    error = read_interchange(text).groups[0].entries[0].error
    assert (error.code, error.segment_id, error.element_position) == (
        SetError.CONTROL_NUMBER_MISMATCH,
        "SE",
        2,
    )


def test_a_bad_set_hides_no_other_set_of_its_group():
    text = interchange_text(
        po_group(
            sets=[
                purchase_order_set("0001"),
                purchase_order_set("0002", segment_count=9),
                purchase_order_set("0003"),
            ]
        )
    )
    (group,) = read_interchange(text).groups
    assert group.error is None
    assert [entry.error is None for entry in group.entries] == [True, False, True]
    assert [ts.control_number for ts in group.transaction_sets] == ["0001", "0003"]
    assert group.entries[1].error.code == SetError.SEGMENT_COUNT


@pytest.mark.parametrize(
    ("group_text", "code"),
    [
        (po_group(count=2), GroupError.SET_COUNT),
        (po_group(trailer_control="12"), GroupError.CONTROL_NUMBER_MISMATCH),
        (po_group().replace("*X*004010~", "*X*005010~"), GroupError.VERSION_NOT_SUPPORTED),
        (po_group(control="1A"), GroupError.CONTROL_NUMBER_SYNTAX),
        (po_group().replace("GE*1*11~", ""), GroupError.TRAILER_MISSING),
    ],
)
def test_a_bad_group_is_rejected_and_the_other_groups_are_read(group_text, code):
    good = po_group(control="21", sets=[purchase_order_set("0001")])
    interchange = read_interchange(interchange_text(group_text, good))
    bad_group, good_group = interchange.groups
    assert bad_group.error.level == ErrorLevel.GROUP
    assert bad_group.error.code == code
    assert bad_group.error.interchange == "000000007"
    assert bad_group.transaction_sets == ()
    assert good_group.error is None
    assert [ts.group_control_number for ts in interchange.transaction_sets] == ["21"]


def test_a_set_of_another_functional_group_is_refused():
    text = interchange_text(po_group(sets=[purchase_order_set("0001").replace("ST*850", "ST*856")]))
    error = read_interchange(text).groups[0].entries[0].error
    assert (error.code, error.segment_id, error.element_position) == (
        SetError.IDENTIFIER,
        "ST",
        1,
    )


def test_a_control_number_used_twice_in_a_group_is_refused():
    text = interchange_text(po_group(sets=[purchase_order_set("0001"), purchase_order_set("0001")]))
    first, second = read_interchange(text).groups[0].entries
    assert first.error is None
    assert second.error.code == SetError.CONTROL_NUMBER_NOT_UNIQUE


def test_a_segment_outside_a_set_rejects_its_group():
    text = interchange_text(po_group().replace("~ST*850*0001", "~REF*ZZ*1~ST*850*0001"))
    error = read_interchange(text).groups[0].error
    assert (error.level, error.code, error.segment_id) == (
        ErrorLevel.SEGMENT,
        SegmentError.UNEXPECTED,
        "REF",
    )


def test_an_unrecognised_segment_id_rejects_its_set_at_its_position():
    text = interchange_text(po_group(sets=[purchase_order_set("0001").replace("CSH*N", "csh*N")]))
    error = read_interchange(text).groups[0].entries[0].error
    assert (error.level, error.code, error.segment_position) == (
        ErrorLevel.SEGMENT,
        SegmentError.UNRECOGNIZED,
        3,
    )


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (interchange_text(po_group(), groups_count=2), InterchangeNote.GROUP_COUNT),
        (
            interchange_text(po_group()).replace("IEA*1*000000007", "IEA*1*000000008"),
            InterchangeNote.CONTROL_NUMBER_MISMATCH,
        ),
        (
            interchange_text(po_group()).replace("IEA*1*000000007~", ""),
            InterchangeNote.PREMATURE_END,
        ),
        (
            interchange_text(po_group()).replace("AMAZON         *", "AMAZON        *", 1),
            InterchangeNote.SENDER_ID,
        ),
        (
            interchange_text(po_group()).replace("*00401*", "*00501*"),
            InterchangeNote.VERSION_NOT_SUPPORTED,
        ),
        (interchange_text(po_group(), usage="X"), InterchangeNote.USAGE_INDICATOR),
        (interchange_text(po_group()).replace("*260302*", "*261302*"), InterchangeNote.DATE),
        (interchange_text(po_group()).replace("*>~", "*~~"), InterchangeNote.SEGMENT_TERMINATOR),
        (interchange_text(po_group()).replace("*>~", "*A~"), InterchangeNote.COMPONENT_SEPARATOR),
        ("GS*PO*AMAZON~", InterchangeNote.CONTENT),
        (interchange_text(po_group()) + "ISA*00~", InterchangeNote.CONTENT),
    ],
)
def test_a_bad_envelope_fails_the_whole_interchange(text, code):
    with pytest.raises(X12Error) as raised:
        read_interchange(text)
    assert raised.value.level == ErrorLevel.INTERCHANGE
    assert raised.value.code == code


def test_the_isa_must_be_106_characters_up_to_its_terminator():
    text = sample(ONE_ITEM)
    assert text.index("~") + 1 == ISA_LENGTH
    with pytest.raises(X12Error) as raised:
        read_interchange(text.replace("RECEIVERID     *", "RECEIVERID      *", 1))
    assert raised.value.code == InterchangeNote.RECEIVER_ID
    assert "ISA08 is 16 characters, not 15" in str(raised.value)


def test_an_unknown_isa11_is_the_repetition_separator():
    text = interchange_text(po_group()).replace("*0930*U*", "*0930*^*")
    assert read_interchange(text).separators.repetition == "^"


def test_errors_never_show_the_buyers_data():
    # A lost terminator turns the ship-to name into a would-be segment id.
    text = sample(FREIGHT_TRUST).replace("N1*ST*Walter White~", "Walter White~")
    error = read_interchange(text).groups[0].entries[0].error
    assert error.code == SegmentError.UNRECOGNIZED
    assert "Walter" not in str(error)


# Writing


def outgoing_sets():
    return [
        OutgoingTransactionSet(
            "855",
            (
                ("BAK", "00", "AC", "2JK3S9VC", "20260302"),
                ("PO1", "1", "10", "EA", "12.50", "PE", "BP", "B000000001", "", None),
                ("REF", "ZZ", "1", "", ("OS", "hi", "")),
                ("ACK", "IA", "10", "EA"),
                ("CTT", "1", "10"),
            ),
        ),
        OutgoingTransactionSet("855", (("BAK", "00", "AD", "3JK3S9VC", "20260302"),), "0042"),
    ]


def write(sets=None, **changes):
    values = {
        "sender_qualifier": "ZZ",
        "sender_id": "VENDORX",
        "receiver_qualifier": "ZZ",
        "receiver_id": "AMAZON",
        "control_number": 17,
        "group_control_number": 5,
        "created": CREATED,
        "usage": UsageIndicator.TEST,
    }
    values.update(changes)
    return write_interchange(outgoing_sets() if sets is None else sets, **values)


def test_an_interchange_is_written_with_its_counts_and_padded_envelope():
    text = write()
    assert text.startswith(
        "ISA*00*          *00*          *ZZ*VENDORX        *ZZ*AMAZON         *260302*0930*U*"
        "00401*000000017*0*T*>~GS*PR*VENDORX*AMAZON*20260302*0930*5*X*004010~ST*855*0001~"
        "BAK*00*AC*2JK3S9VC*20260302~PO1*1*10*EA*12.50*PE*BP*B000000001~REF*ZZ*1**OS>hi~"
    )
    assert text.index("~") + 1 == ISA_LENGTH
    assert "~SE*7*0001~ST*855*0042~BAK*00*AD*3JK3S9VC*20260302~SE*3*0042~" in text
    assert text.endswith("~GE*2*5~IEA*1*000000017~")


def test_what_we_write_reads_back_equal():
    interchange = read_interchange(write())
    assert interchange.errors == ()
    assert (interchange.sender_id, interchange.receiver_id) == ("VENDORX", "AMAZON")
    assert interchange.control_number == "000000017"
    assert interchange.usage == UsageIndicator.TEST
    assert interchange.date == CREATED
    (group,) = interchange.groups
    assert (group.functional_id, group.control_number, group.date) == ("PR", "5", CREATED)
    first, second = group.transaction_sets
    assert first.first("REF").composite(4) == ("OS", "hi")
    assert [segment.id for segment in first.segments] == ["BAK", "PO1", "REF", "ACK", "CTT"]
    assert second.control_number == "0042"


def test_what_we_write_reads_back_equal_with_the_independent_reader():
    separators = Separators(element="|", component="^", segment="\\", line_ending="\n")
    text = write(separators=separators)
    assert "\\\nST|855|0001\\\n" in text
    segments, errors = independent_segments(text)
    assert errors == []
    interchange = read_interchange(text)
    assert interchange.separators == separators
    assert comparable(segments) == comparable(our_segments(interchange))
    assert ("REF", (("ZZ",), ("1",), ("",), ("OS", "hi"))) in segments


def test_a_separator_inside_an_element_is_refused_with_its_place():
    sets = [OutgoingTransactionSet("855", (("BAK", "00", "AC", "2JK3*S9VC", "20260302"),))]
    with pytest.raises(X12Error) as raised:
        write(sets)
    error = raised.value
    assert (error.code, error.level) == (ElementError.INVALID_CHARACTER, ErrorLevel.ELEMENT)
    assert (error.transaction_set, error.segment_id, error.segment_position) == ("0001", "BAK", 2)
    assert error.element_position == 3


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        (
            {"sets": [OutgoingTransactionSet("855", ()), OutgoingTransactionSet("856", ())]},
            GroupError.NOT_SUPPORTED,
        ),
        ({"sets": []}, InterchangeNote.CONTENT),
        ({"usage": "X"}, InterchangeNote.USAGE_INDICATOR),
        ({"control_number": 0}, InterchangeNote.CONTROL_NUMBER),
        ({"control_number": "1234567890"}, InterchangeNote.CONTROL_NUMBER),
        ({"sender_id": "A" * 16}, InterchangeNote.SENDER_ID),
        ({"receiver_qualifier": "Z"}, InterchangeNote.RECEIVER_QUALIFIER),
        ({"separators": Separators(component="*")}, InterchangeNote.ELEMENT_SEPARATOR),
        ({"created": "2026-03-02"}, InterchangeNote.DATE),
    ],
)
def test_bad_envelope_values_are_refused(changes, code):
    sets = changes.pop("sets", None)
    with pytest.raises(X12Error) as raised:
        write(sets, **changes)
    assert raised.value.code == code


def test_default_separators_are_amazons():
    assert Separators(element="*", component=">", segment="~") == DEFAULT_SEPARATORS
