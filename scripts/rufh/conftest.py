# Copied from tus-java-server (https://github.com/tomdesair/tus-java-server),
# scripts/conftest.py at commit 088531a3486fedcefd4c30a75921f16558c79ed1, unchanged.
# MIT License, Copyright (c) 2017 Tom Desair: see LICENSE in this directory.
import os
import pytest

def pytest_addoption(parser):
    """Register --url CLI option for pytest."""
    parser.addoption(
        "--url",
        action="store",
        default=os.environ.get("RUFH_URL", "http://localhost:8080/test/api/upload"),
        help="Target RUFH upload endpoint URL",
    )
