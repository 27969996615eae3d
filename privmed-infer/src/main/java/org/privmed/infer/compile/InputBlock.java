package org.privmed.infer.compile;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.privmed.data.Normalization;
import org.privmed.nn.model.TensorShape;

/**
 * The input section both client program forms carry (CKKS {@link ClientProgram} and the BFV
 * client program): channels, height and width as ints, then per channel the normalisation's mean
 * and std as doubles. One writer and one reader, so that both forms stay the same on the wire.
 */
public final class InputBlock {

  private InputBlock() {
  }

  /** @param normalization one mean and std per channel of {@code shape} (the caller checked it) */
  public static void write(DataOutputStream out, TensorShape shape, Normalization normalization)
      throws IOException {
    out.writeInt(shape.channels());
    out.writeInt(shape.height());
    out.writeInt(shape.width());
    double[] mean = normalization.mean();
    double[] std = normalization.std();
    for (int c = 0; c < mean.length; c++) {
      out.writeDouble(mean[c]);
      out.writeDouble(std[c]);
    }
  }

  /** The shape; the caller bounds its size before reading the normalisation that follows. */
  public static TensorShape readShape(DataInputStream in) throws IOException {
    return new TensorShape(in.readInt(), in.readInt(), in.readInt());
  }

  /** The normalisation after a shape of {@code channels} channels, validated as any Normalization. */
  public static Normalization readNormalization(DataInputStream in, int channels) throws IOException {
    double[] mean = new double[channels];
    double[] std = new double[channels];
    for (int c = 0; c < channels; c++) {
      mean[c] = in.readDouble();
      std[c] = in.readDouble();
    }
    return new Normalization(mean, std);
  }
}
