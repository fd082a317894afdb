#!/usr/bin/env python3
"""Replace the generated sections of the man pages with what the option
table prints:  ninja -C build man-options
  docs/sockftpd.8       between its BEGIN and END OPTIONS markers
  docs/sockftpd.conf.5  between its BEGIN and END KEYS markers"""
import os
import subprocess
import sys

generator, docs = sys.argv[1], sys.argv[2]
for page, marker, mode in (("sockftpd.8", "OPTIONS", []),
                           ("sockftpd.conf.5", "KEYS", ["conf-man"])):
    path = os.path.join(docs, page)
    text = open(path, encoding="utf-8").read()
    begin = text.index('.\\" BEGIN ' + marker)
    begin = text.index("\n", begin) + 1
    end = text.index('.\\" END ' + marker)
    new = subprocess.run([generator, *mode], check=True, capture_output=True,
                         text=True).stdout
    open(path, "w", encoding="utf-8").write(text[:begin] + new + text[end:])
