"""Electronic certificate identifiers (GB/T 36901–36905 practice, STANDARDS.md).

``1.2.156.3005.2.<type code>.<issuer credit code>.<serial>.<version>.<check>``, the check
character ISO/IEC 7064 MOD 37,36 over type code + issuer code + serial + version concatenated
without dots (the root excluded).
"""

from __future__ import annotations

from stdnum.iso7064 import mod_37_36

ROOT = "1.2.156.3005.2"


def check_character(type_code: str, issuer_code: str, serial: str, version: int) -> str:
    """The MOD 37,36 check character of an identifier's body."""
    return str(mod_37_36.calc_check_digit(f"{type_code}{issuer_code}{serial}{version:03d}"))


def build_identifier(type_code: str, issuer_code: str, serial: str, version: int = 1) -> str:
    """Compose a certificate identifier with its check character."""
    check = check_character(type_code, issuer_code, serial, version)
    return f"{ROOT}.{type_code}.{issuer_code}.{serial}.{version:03d}.{check}"


def is_valid_identifier(identifier: str) -> bool:
    """Whether ``identifier`` has the root, five parts and a correct check character."""
    if not identifier.startswith(ROOT + "."):
        return False
    parts = identifier[len(ROOT) + 1 :].split(".")
    if len(parts) != 5 or not parts[3].isdigit() or len(parts[3]) != 3:
        return False
    type_code, issuer, serial, version, check = parts
    try:
        return check_character(type_code, issuer, serial, int(version)) == check
    except Exception:
        return False
