"""app/layer/fields.py: one table of the parameters, in step with the schema, catalogue and form."""

from app.i18n.messages import catalogue
from app.layer.fields import ANSWER_FIELDS, FIELDS, PAGE, PICTURE, form_fields
from app.layer.schemas import TraceRequest


def test_the_table_is_the_request_schema() -> None:
    model = TraceRequest.model_fields
    assert list(FIELDS) == [name for name in model if name in FIELDS]
    assert set(FIELDS) == set(model)
    for name, param in FIELDS.items():
        if not model[name].is_required():
            assert model[name].default == param.default, name


def test_every_parameter_has_its_words_in_the_catalogue() -> None:
    words = catalogue()
    for name in [*FIELDS, *PAGE, *PICTURE]:
        assert f"valid.{name}" in words, name
    for name in FIELDS:
        assert f"hint.{name}" in words, name


def test_the_schema_documents_each_field_from_the_table() -> None:
    properties = TraceRequest.model_json_schema()["properties"]
    assert properties["stride"]["description"] == FIELDS["stride"].valid
    assert properties["input_size"]["maxItems"] == 3


def test_the_form_shows_every_configuration_field() -> None:
    names = [row["name"] for row in form_fields()]
    assert names == [name for name in FIELDS if name not in ANSWER_FIELDS]
    assert next(r for r in form_fields() if r["name"] == "op")["choices"] == (
        "conv", "max_pool", "avg_pool",
    )  # fmt: skip
