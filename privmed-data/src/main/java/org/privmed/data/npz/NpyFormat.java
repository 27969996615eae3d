package org.privmed.data.npz;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.privmed.data.DatasetException;

/**
 * Parser for the NumPy .npy format, versions 1.0, 2.0 and 3.0 (NumPy Enhancement Proposal 1,
 * "A simple file format for NumPy arrays", and {@code numpy.lib.format}): the magic string
 * {@code \x93NUMPY}, a major and minor version byte, a little-endian header length (2 bytes in
 * version 1, 4 bytes later), then a Python dict literal with the keys {@code descr}, {@code
 * fortran_order} and {@code shape}, then the raw elements.
 *
 * <p>Written here instead of using a library because a reader for medical data must tell uint8
 * pixels from int8 ones and must refuse Fortran-ordered, structured, object or short arrays with a
 * message naming the entry; the JVM npy library we tried exposes neither the sign nor the order.
 */
final class NpyFormat {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

  private NpyFormat() {}

  /** Reads one array from {@code in}; {@code name} appears in every error message. */
  static NpyArray read(String name, InputStream in) throws IOException {
    byte[] preamble = in.readNBytes(8);
    if (preamble.length < 8) {
      throw new DatasetException(name + ": only " + preamble.length
          + " bytes, too short for a .npy header (truncated?)");
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (preamble[i] != MAGIC[i]) {
        throw new DatasetException(name + ": not a .npy array (missing \\x93NUMPY magic)");
      }
    }
    int major = preamble[6] & 0xFF;
    int headerLength;
    if (major == 1) {
      byte[] len = readExactly(name, in, 2, "header length");
      headerLength = (len[0] & 0xFF) | (len[1] & 0xFF) << 8;
    } else if (major == 2 || major == 3) {
      byte[] len = readExactly(name, in, 4, "header length");
      headerLength = (len[0] & 0xFF) | (len[1] & 0xFF) << 8 | (len[2] & 0xFF) << 16
          | (len[3] & 0xFF) << 24;
      if (headerLength < 0) {
        throw new DatasetException(name + ": .npy header length " + Integer.toUnsignedString(
            headerLength) + " is implausible");
      }
    } else {
      throw new DatasetException(name + ": unsupported .npy format version " + major + "."
          + (preamble[7] & 0xFF) + " (supported: 1.0, 2.0, 3.0)");
    }
    String header = new String(readExactly(name, in, headerLength, "header"),
        major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1).strip();
    Header h = parseHeader(name, header);
    long count = NpyArray.count(h.shape);
    long bytes = count * h.dtype.size();
    if (bytes > Integer.MAX_VALUE - 8) {
      throw new DatasetException(name + ": array of shape " + NpyArray.shapeString(h.shape)
          + " holds " + bytes + " bytes, more than one Java array can hold (2 GiB)");
    }
    byte[] data = readExactly(name, in, (int) bytes, "data of shape "
        + NpyArray.shapeString(h.shape));
    if (in.read() >= 0) {
      throw new DatasetException(name + ": unexpected bytes after the " + bytes
          + " data bytes of shape " + NpyArray.shapeString(h.shape));
    }
    return new NpyArray(name, h.dtype, h.shape, data);
  }

  private record Header(NpyArray.NpyDtype dtype, long[] shape) {}

  static Header parseHeader(String name, String header) {
    Object parsed;
    try {
      parsed = new LiteralParser(header).parseValue();
    } catch (IllegalArgumentException e) {
      throw new DatasetException(name + ": unreadable .npy header " + header + " (" + e.getMessage()
          + ")");
    }
    if (!(parsed instanceof java.util.Map<?, ?> dict)) {
      throw new DatasetException(name + ": .npy header is not a dict: " + header);
    }
    Object descr = dict.get("descr");
    Object fortran = dict.get("fortran_order");
    Object shape = dict.get("shape");
    if (!(descr instanceof String d)) {
      throw new DatasetException(name + ": dtype " + descr
          + " is not a simple type (structured arrays are not supported)");
    }
    if (!(fortran instanceof Boolean f)) {
      throw new DatasetException(name + ": .npy header lacks fortran_order: " + header);
    }
    if (f) {
      throw new DatasetException(name + ": Fortran-ordered arrays are not supported;"
          + " re-save with numpy.ascontiguousarray");
    }
    if (!(shape instanceof List<?> dims)) {
      throw new DatasetException(name + ": .npy header lacks a shape tuple: " + header);
    }
    long[] s = new long[dims.size()];
    for (int i = 0; i < s.length; i++) {
      if (!(dims.get(i) instanceof Long v) || v < 0) {
        throw new DatasetException(name + ": bad dimension " + dims.get(i) + " in shape " + shape);
      }
      s[i] = v;
    }
    return new Header(parseDtype(name, d), s);
  }

  static NpyArray.NpyDtype parseDtype(String name, String descr) {
    if (descr.length() < 3) {
      throw new DatasetException(name + ": unsupported dtype '" + descr + "'");
    }
    char orderChar = descr.charAt(0);
    char kind = descr.charAt(1);
    int size;
    try {
      size = Integer.parseInt(descr.substring(2));
    } catch (NumberFormatException e) {
      throw new DatasetException(name + ": unsupported dtype '" + descr + "'");
    }
    ByteOrder order = switch (orderChar) {
      case '<', '|' -> ByteOrder.LITTLE_ENDIAN;
      case '>' -> ByteOrder.BIG_ENDIAN;
      case '=' -> ByteOrder.nativeOrder();
      default -> throw new DatasetException(name + ": unsupported byte order in dtype '" + descr
          + "'");
    };
    boolean supported = switch (kind) {
      case 'u', 'i' -> size == 1 || size == 2 || size == 4 || size == 8;
      case 'b' -> size == 1;
      case 'f' -> size == 4 || size == 8;
      default -> false;
    };
    if (!supported) {
      throw new DatasetException(name + ": unsupported dtype '" + descr
          + "' (expected unsigned/signed integers, bool or float)");
    }
    return new NpyArray.NpyDtype(kind, size, order, descr);
  }

  private static byte[] readExactly(String name, InputStream in, int n, String what)
      throws IOException {
    byte[] out = in.readNBytes(n);
    if (out.length < n) {
      throw new DatasetException(name + ": truncated .npy entry, " + what + " needs " + n
          + " bytes but only " + out.length + " are there");
    }
    return out;
  }

  /**
   * The subset of Python literal syntax .npy headers use: dicts, tuples, lists, quoted strings,
   * integers, True/False/None.
   */
  private static final class LiteralParser {
    private final String s;
    private int pos;

    LiteralParser(String s) {
      this.s = s;
    }

    Object parseValue() {
      skipSpace();
      if (pos >= s.length()) {
        throw new IllegalArgumentException("unexpected end");
      }
      char c = s.charAt(pos);
      if (c == '{') {
        return parseDict();
      }
      if (c == '(' || c == '[') {
        return parseSequence(c == '(' ? ')' : ']');
      }
      if (c == '\'' || c == '"') {
        return parseString(c);
      }
      if (c == '-' || Character.isDigit(c)) {
        int start = pos++;
        while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
          pos++;
        }
        if (pos < s.length() && s.charAt(pos) == 'L') {
          pos++; // Python 2 long suffix, still written by very old numpy
          return Long.parseLong(s.substring(start, pos - 1));
        }
        return Long.parseLong(s.substring(start, pos));
      }
      for (String word : new String[] {"True", "False", "None"}) {
        if (s.startsWith(word, pos)) {
          pos += word.length();
          return word.equals("None") ? null : Boolean.valueOf(word.equals("True"));
        }
      }
      throw new IllegalArgumentException("unexpected '" + c + "' at " + pos);
    }

    private java.util.Map<String, Object> parseDict() {
      java.util.Map<String, Object> map = new java.util.HashMap<>();
      pos++;
      while (true) {
        skipSpace();
        if (peek() == '}') {
          pos++;
          return map;
        }
        Object key = parseValue();
        if (!(key instanceof String k)) {
          throw new IllegalArgumentException("dict key " + key + " is not a string");
        }
        skipSpace();
        expect(':');
        map.put(k, parseValue());
        skipSpace();
        if (peek() == ',') {
          pos++;
        }
      }
    }

    private List<Object> parseSequence(char close) {
      List<Object> items = new ArrayList<>();
      pos++;
      while (true) {
        skipSpace();
        if (peek() == close) {
          pos++;
          return items;
        }
        items.add(parseValue());
        skipSpace();
        if (peek() == ',') {
          pos++;
        }
      }
    }

    private String parseString(char quote) {
      int start = ++pos;
      while (pos < s.length() && s.charAt(pos) != quote) {
        pos++;
      }
      if (pos >= s.length()) {
        throw new IllegalArgumentException("unterminated string");
      }
      return s.substring(start, pos++);
    }

    private char peek() {
      if (pos >= s.length()) {
        throw new IllegalArgumentException("unexpected end");
      }
      return s.charAt(pos);
    }

    private void expect(char c) {
      if (peek() != c) {
        throw new IllegalArgumentException("expected '" + c + "' at " + pos);
      }
      pos++;
    }

    private void skipSpace() {
      while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
        pos++;
      }
    }
  }
}
