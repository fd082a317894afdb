#!/usr/bin/env python3
"""Replace the OPTIONS section of docs/sockftpd.8 (between its BEGIN and END
OPTIONS markers) with what the option table prints:
    ninja -C build man-options"""
import subprocess
import sys

generator, page = sys.argv[1], sys.argv[2]
text = open(page, encoding="utf-8").read()
begin = text.index('.\\" BEGIN OPTIONS')
begin = text.index("\n", begin) + 1
end = text.index('.\\" END OPTIONS')
new = subprocess.run([generator], check=True, capture_output=True, text=True).stdout
open(page, "w", encoding="utf-8").write(text[:begin] + new + text[end:])
