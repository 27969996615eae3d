package org.privmed.infer.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.privmed.infer.proto.KeyChunk;

/** The per-frame checks both diagnosis services run on every uploaded key chunk. */
class ChunkedKeyFrameTest {

  private static KeyChunk chunk(long total, long offset, byte[] data) {
    return KeyChunk.newBuilder().setTotalBytes(total).setOffset(offset)
        .setData(ByteString.copyFrom(data)).build();
  }

  /** A frame body whose header byte 6 is not the secret-key type code. */
  private static byte[] frame(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    b[6] = 3;
    return b;
  }

  private static String refusal(Runnable r) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, r::run);
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    return e.getStatus().getDescription();
  }

  @Test
  void chunksInOrderRebuildTheFrameAcrossBufferGrowth() {
    byte[] whole = frame(3 << 20, 1); // larger than the first 1 MiB buffer
    int step = 700_000;
    ChunkedKeyFrame f = new ChunkedKeyFrame("the test key", chunk(whole.length, 0, new byte[0]));
    for (int off = 0; off < whole.length; off += step) {
      f.append(chunk(whole.length, off, Arrays.copyOfRange(whole, off, Math.min(whole.length, off + step))));
    }
    assertArrayEquals(whole, f.complete());
  }

  @Test
  void badSizesOffsetsAndTruncationAreNamed() {
    assertTrue(refusal(() -> new ChunkedKeyFrame("prime 1's key", chunk(0, 0, new byte[0])))
        .contains("total_bytes of prime 1's key must be positive"));
    assertTrue(refusal(() -> new ChunkedKeyFrame("prime 1's key", chunk(100, 10, new byte[10])))
        .contains("must start at offset 0"));
    byte[] data = frame(100, 2);
    ChunkedKeyFrame f = new ChunkedKeyFrame("the key", chunk(100, 0, data));
    f.append(chunk(100, 0, Arrays.copyOf(data, 40)));
    assertTrue(refusal(() -> f.append(chunk(100, 50, new byte[10]))).contains("where 40 was expected"));
    assertTrue(refusal(() -> f.append(chunk(200, 40, new byte[10]))).contains("changed from 100 to 200"));
    assertTrue(refusal(() -> f.append(chunk(100, 40, new byte[61]))).contains("runs past its declared total"));
    assertTrue(refusal(f::complete).contains("ended after 40 of its declared 100 bytes"));
    f.append(chunk(100, 40, Arrays.copyOfRange(data, 40, 100)));
    assertArrayEquals(data, f.complete(), "a refused chunk loses none of what came before");
  }

  @Test
  void aSecretKeyHeaderIsRefusedAndForgotten() {
    byte[] secret = frame(64, 3);
    secret[6] = 2; // the secret-key object type
    ChunkedKeyFrame f = new ChunkedKeyFrame("the GALOIS_KEYS", chunk(64, 0, secret));
    f.append(chunk(64, 0, Arrays.copyOf(secret, 4))); // header not complete yet
    assertTrue(refusal(() -> f.append(chunk(64, 4, Arrays.copyOfRange(secret, 4, 64))))
        .contains("SECRET KEY"));
    assertTrue(refusal(() -> f.append(chunk(64, 64, new byte[0]))).contains("already refused"));
    assertTrue(refusal(f::complete).contains("was refused"));
  }
}
