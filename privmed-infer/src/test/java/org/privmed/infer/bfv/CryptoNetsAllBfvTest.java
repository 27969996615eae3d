package org.privmed.infer.bfv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.privmed.data.ImageDataset;
import org.privmed.data.Split;
import org.privmed.data.catalog.Datasets;
import org.privmed.he.bfv.BfvCiphertext;
import org.privmed.he.bfv.BfvContext;
import org.privmed.infer.quant.QuantizedNetwork;
import org.privmed.nn.infer.PlainInference;
import org.privmed.nn.model.Model;
import org.privmed.nn.model.TensorShape;
import org.privmed.nn.zoo.ModelZoo;
import org.privmed.nn.zoo.ZooOptions;

/**
 * The zoo's {@code cryptonets-all} layout (three convolutions, two mean pools, two dense layers,
 * squares after the first convolution and the first dense layer only) on real images through the
 * 32×32 data path ({@code @pad32}): it lowers to depth 2, compiles under BFV, and decrypts to the
 * integer network's logits exactly. Grayscale BreastMNIST (1,024 input ciphertexts rather than
 * 3,072), width 1 (one first-layer map: 256 squarings) and 3-bit quantization (one plaintext
 * prime) keep the test short; the 3-channel path is checked in PaddedViewTest and the nn tests,
 * and the trained width-5 network on 3×32×32 by {@code privmed bench infer --scheme bfv}
 * (docs/results.md).
 */
class CryptoNetsAllBfvTest {

  @Test
  void depthTwoOn32x32CompilesAndDecryptsExactly() {
    ImageDataset val = Datasets.load("breastmnist@pad32", Split.VAL);
    ImageDataset test = Datasets.load("breastmnist@pad32", Split.TEST);
    Model m = ModelZoo.build("cryptonets-all", new TensorShape(1, 32, 32), val.classNames(),
        new ZooOptions(1, 7));
    BfvProgram prog = BfvCompiler.compile(m, val, new BfvCompiler.Options(32, 3, 3, 2, 10, 13));
    QuantizedNetwork net = prog.network();
    assertEquals(2, net.depth(), prog.explain());
    assertEquals(1024, net.inputSize());
    assertEquals(256, net.layers().get(1).outputSize(), "one 16x16 map is squared");
    assertEquals(64, net.layers().get(2).outputSize(), "the folded linear stage ends at dense 64");

    List<BfvContext> ctx = new ArrayList<>();
    for (int p = 0; p < prog.primeCount(); p++) {
      ctx.add(new BfvContext(prog.parameters(p)));
    }
    try {
      BfvClient client = new BfvClient(prog, ctx);
      float[][] images = Arrays.copyOf(test.images(), 6);
      BfvCiphertext[][] in = client.encrypt(images, 2);
      BfvCiphertext[][] out = new BfvCiphertext[prog.primeCount()][];
      for (int p = 0; p < prog.primeCount(); p++) {
        try (BfvThroughputEvaluator server = new BfvThroughputEvaluator(prog, p, ctx.get(p),
            client.relinearizationKey(p), 2)) {
          out[p] = server.evaluate(in[p]);
        }
      }
      assertTrue(client.noiseBudget(out) > 0, "noise budget exhausted");
      BigInteger[][] got = client.decrypt(out, images.length);
      for (int b = 0; b < images.length; b++) {
        BigInteger[] want = net.evaluate(net.quantizeInput(PlainInference.normalize(m, images[b])));
        assertArrayEquals(want, got[b], "image " + b);
      }
    } finally {
      ctx.forEach(BfvContext::close);
    }
  }
}
