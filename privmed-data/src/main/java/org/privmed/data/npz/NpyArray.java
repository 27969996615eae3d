package org.privmed.data.npz;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * One array read from a .npy entry: its element type, its shape (C order) and its raw bytes.
 * Only the integer and boolean types an image/label file uses are represented; the parser refuses
 * everything else with a message naming the type.
 *
 * @param name where it came from, e.g. {@code bloodmnist.npz:train_images}
 * @param dtype the element type
 * @param shape the dimensions, outermost first
 * @param data the elements, {@code count() * dtype.size()} bytes
 */
record NpyArray(String name, NpyDtype dtype, long[] shape, byte[] data) {

  long count() {
    return count(shape);
  }

  static long count(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  int rank() {
    return shape.length;
  }

  String shapeString() {
    return shapeString(shape);
  }

  static String shapeString(long[] shape) {
    return Arrays.stream(shape).mapToObj(Long::toString)
        .collect(Collectors.joining(", ", "(", shape.length == 1 ? ",)" : ")"));
  }

  /** Element {@code i} (flat C-order index) as a long; integers and booleans only. */
  long getLong(int i) {
    ByteBuffer buf = ByteBuffer.wrap(data).order(dtype.order());
    int at = i * dtype.size();
    return switch (dtype.kind()) {
      case 'b' -> data[at] != 0 ? 1 : 0;
      case 'u' -> switch (dtype.size()) {
        case 1 -> data[at] & 0xFFL;
        case 2 -> buf.getShort(at) & 0xFFFFL;
        case 4 -> buf.getInt(at) & 0xFFFF_FFFFL;
        default -> buf.getLong(at); // values above 2^63 are not class labels; callers range-check
      };
      case 'i' -> switch (dtype.size()) {
        case 1 -> data[at];
        case 2 -> buf.getShort(at);
        case 4 -> buf.getInt(at);
        default -> buf.getLong(at);
      };
      default -> throw new IllegalStateException("not an integer dtype: " + dtype);
    };
  }

  /** The element type of a .npy array: kind ('u', 'i', 'b', 'f'), size in bytes, byte order. */
  record NpyDtype(char kind, int size, ByteOrder order, String descr) {
    boolean isUint8() {
      return kind == 'u' && size == 1;
    }

    boolean isInteger() {
      return kind == 'u' || kind == 'i' || kind == 'b';
    }

    @Override
    public String toString() {
      return "'" + descr + "'";
    }
  }
}
