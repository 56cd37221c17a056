#!/usr/bin/env python3
"""make-golden.py - writes the 3270 golden files of tests/console/check_ds3270.c (run it here).

NAME.3270 is one record (outbound: command, WCC, orders, text; in_*.3270: inbound, AID first).
NAME.screen is the expected rendered screen, written from this script's own placement of the
text (not by the engine under test): one line per row, attribute positions and nulls blank,
EBCDIC (code page 037) as ISO 8859-1. The files are committed; this script is how they were made.
"""
import os

C6 = bytes.fromhex(
    "40C1C2C3C4C5C6C7C8C94A4B4C4D4E4F" "50D1D2D3D4D5D6D7D8D95A5B5C5D5E5F"
    "6061E2E3E4E5E6E7E8E96A6B6C6D6E6F" "F0F1F2F3F4F5F6F7F8F97A7B7C7D7E7F")


def a12(addr):
    return bytes([C6[(addr >> 6) & 63], C6[addr & 63]])


def a14(addr):
    return bytes([(addr >> 8) & 0x3F, addr & 0xFF])


def e(text):
    return text.encode("cp037")


SBA, SF, SFE, SA, IC, PT, RA, EUA, GE = 0x11, 0x1D, 0x29, 0x28, 0x13, 0x05, 0x3C, 0x12, 0x08


def sba(addr, enc=a12):
    return bytes([SBA]) + enc(addr)


def sf(attr):
    return bytes([SF, C6[attr & 63]])


def screen(rows, cols, placed):
    """placed: (position, text) pairs; everything else blank."""
    cells = [" "] * (rows * cols)
    for pos, text in placed:
        for i, ch in enumerate(text):
            cells[(pos + i) % (rows * cols)] = ch
    return "".join("".join(cells[r * cols:(r + 1) * cols]) + "\n" for r in range(rows))


def write(name, rec, text=None):
    with open(name + ".3270", "wb") as f:
        f.write(rec)
    if text is not None:
        with open(name + ".screen", "w", encoding="latin-1") as f:
            f.write(text)


# VM/370's console (consoles.md 5): clear screen and set up the layout (DMKGRF's stream).
write("vm_layout",
      bytes([0xF5, 0xC2]) + sba(0)
      + bytes([RA]) + a12(479) + b"\x00" + bytes([RA]) + a12(959) + b"\x00"
      + bytes([RA]) + a12(1439) + b"\x00" + bytes([RA]) + a12(1759) + b"\x00"
      + sf(0x01) + bytes([IC]) + sba(1899) + sf(0x20) + e("RUNNING".ljust(20)),
      screen(24, 80, [(1900, "RUNNING")]))

# After vm_layout (and typed input): an output line, then clear the input area and set status.
write("vm_status",
      bytes([0xF1, 0xC2]) + sba(0) + e("LOGMSG - 10:00:00 EDT")
      + sba(1759) + sf(0x0D) + bytes([IC, EUA]) + a12(1899)
      + sba(1759) + sf(0x01) + sba(1899) + sf(0x20) + e("VM READ".ljust(20)),
      screen(24, 80, [(0, "LOGMSG - 10:00:00 EDT"), (1900, "VM READ")]))

# Extended screen: SFE colours and highlighting, SA for characters.
write("sfe_colors",
      bytes([0xF5, 0xC3]) + sba(0) + bytes([SFE, 2, 0xC0, C6[0x28], 0x42, 0xF2]) + e("RED")
      + sba(80) + bytes([SFE, 3, 0xC0, C6[0x20], 0x42, 0xF4, 0x41, 0xF4]) + e("GREEN UNDERSCORE")
      + sba(160) + sf(0x00) + bytes([SA, 0x42, 0xF1]) + e("BLUE") + bytes([SA, 0x00, 0x00])
      + e(" DEFAULT") + sba(240) + bytes([SFE, 1, 0xC0, C6[0x20]]) + e("PLAIN"),
      screen(24, 80, [(1, "RED"), (81, "GREEN UNDERSCORE"), (161, "BLUE DEFAULT"),
                      (241, "PLAIN")]))

# RA: across the buffer's end, a row, after a character, and a GE character.
write("ra_fill",
      bytes([0xF5, 0xC3]) + sba(1900) + bytes([RA]) + a12(20) + e("*")
      + sba(40) + bytes([RA]) + a12(80) + e("-")
      + sba(160) + e("X") + bytes([RA]) + a12(240) + e("Y")
      + sba(320) + bytes([RA]) + a12(330) + bytes([GE]) + e("."),
      screen(24, 80, [(1900, "*" * 20), (0, "*" * 20), (40, "-" * 40), (160, "X" + "Y" * 79),
                      (320, "." * 10)]))

# EUA: unprotected positions from 0 up to (not including) 242 become nulls; protected stay.
write("eua",
      bytes([0xF5, 0xC3]) + sba(0) + sf(0x20) + e("NAME:") + sf(0x00) + e("JOHN SMITH")
      + sba(80) + sf(0x20) + e("CITY:") + sf(0x00) + e("LONDON")
      + sba(160) + sf(0x00) + e("UNFIELD") + sba(200) + sf(0x20) + e("PROT")
      + sba(240) + sf(0x00) + e("KEEP")
      + sba(0) + bytes([EUA]) + a12(242) + sba(87) + e("PARIS"),
      screen(24, 80, [(1, "NAME:"), (81, "CITY: PARIS"), (201, "PROT"), (242, "EEP")]))

# PT: after data it nulls the rest of the field; after an order it only moves; at the end of the
# buffer it stops at 0.
write("pt",
      bytes([0xF5, 0xC3]) + sba(0) + sf(0x20) + e("A:") + sf(0x00) + e("OLDOLDOLD")
      + sf(0x20) + e("B:") + sf(0x00) + e("OLDOLD")
      + sba(80) + sf(0x20) + e("C:") + sf(0x00) + e("OLDVALUE")
      + sba(160) + sf(0x20) + e("D:") + sf(0x00) + e("KEEP")
      + sba(240) + sf(0x20) + sba(300) + e("GONE")
      + sba(4) + e("NEW") + bytes([PT]) + e("X") + bytes([PT, PT, IC])
      + sba(241) + e("Z") + bytes([PT]),
      screen(24, 80, [(1, "A:"), (4, "NEW"), (14, "B:"), (17, "X"), (81, "C:"), (84, "OLDVALUE"),
                      (161, "D:"), (164, "KEEP"), (241, "Z")]))

# A model 5 (27 x 132) Erase/Write Alternate with 14-bit addresses.
write("model5_ewa",
      bytes([0x7E, 0xC3]) + sba(0, a14) + sf(0x20) + e("MODEL 5 27X132")
      + sba(26 * 132, a14) + e("LAST ROW") + sba(3563, a14) + e("Z")
      + sba(13 * 132 + 99, a14) + e("MIDDLE") + sba(133, a14) + bytes([IC]),
      screen(27, 132, [(1, "MODEL 5 27X132"), (26 * 132, "LAST ROW"), (3563, "Z"),
                       (13 * 132 + 99, "MIDDLE")]))

# Inbound records.
write("in_enter_two_fields",
      bytes([0x7D]) + a12(1763) + sba(1760) + e("Q T") + sba(100) + e("SECOND"))
write("in_pf3", bytes([0xF3]) + a12(1760) + sba(1760) + e("HELLO"))
write("in_pa1", bytes([0x6C]))
write("in_clear", bytes([0x6D]))
