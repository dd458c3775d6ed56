import pytest

from tribune.core.env import ConfigError, env_bool, env_int, env_str


def test_file_variant_wins(tmp_path, monkeypatch):
    secret = tmp_path / "key"
    secret.write_text("from-file\n")
    monkeypatch.setenv("MY_SECRET", "from-env")
    monkeypatch.setenv("MY_SECRET_FILE", str(secret))
    assert env_str("MY_SECRET") == "from-file"


def test_unreadable_file_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("MY_SECRET_FILE", "/nonexistent/secret")
    with pytest.raises(ConfigError, match="MY_SECRET_FILE"):
        env_str("MY_SECRET")


def test_typed_values(monkeypatch):
    monkeypatch.setenv("FLAG", "yes")
    monkeypatch.setenv("COUNT", "12")
    assert env_bool("FLAG") is True
    assert env_int("COUNT", 3) == 12
    assert env_int("MISSING_COUNT", 3) == 3
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ConfigError, match="true or false"):
        env_bool("FLAG")
