"""What the Vendor Central document tests share: the Amazon API model of the API they test
(its examples skipped without the models) and its contract validator."""

import json

import pytest

from amazon_emulator import ContractValidator, find_models_dir
from amazon_emulator.contract import MODEL_FILES


class AmazonModel:
    """One of Amazon's API models, at `path` in the models folder; `label` names its examples
    in skip messages, `name` is the emulator's name for it when the emulator lists none
    (loaded models are shared by file, under one name)."""

    def __init__(self, path, label, name):
        self.path = path
        self.label = label
        self.name = next((key for key, value in MODEL_FILES.items() if value == path), name)

    def found(self):
        """The models folder, None when it lacks this model."""
        models = find_models_dir()
        if models is None or not (models / self.path).is_file():
            return None
        return models

    def models_dir(self, what=None):
        """The models folder; without this model the test is skipped."""
        models = self.found()
        if models is None:
            pytest.skip(
                f"Amazon API models not found (set AMAZON_MODELS_DIR): {what or self.label} skipped"
            )
        return models

    def schema_checker(self, validator):
        """The validator, the test skipped without it."""
        if validator is None:
            self.models_dir("schema checks")
        return validator

    def fixtures(self, *, validator_required=False):
        """The module's `model` and `validator` fixtures. The validator is None without the
        models (the builder tests then check the bodies they build, and skip only the schema
        check), unless `validator_required` (then its tests are skipped)."""

        @pytest.fixture(scope="module")
        def model():
            return json.loads((self.models_dir() / self.path).read_text(encoding="utf-8"))

        @pytest.fixture(scope="module")
        def validator():
            models = self.models_dir() if validator_required else self.found()
            if models is None:
                return None
            return ContractValidator(models, {self.name: self.path}).load()

        return model, validator


def operation(model, operation_id):
    """The operation of an API model that has `operation_id`."""
    return next(
        op
        for path_item in model["paths"].values()
        for op in path_item.values()
        if isinstance(op, dict) and op.get("operationId") == operation_id
    )
