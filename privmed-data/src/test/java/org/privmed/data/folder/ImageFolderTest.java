package org.privmed.data.folder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privmed.data.DatasetException;
import org.privmed.data.ImageDataset;

class ImageFolderTest {
  @TempDir Path tmp;

  private static void writeRgb(Path file, String format, int w, int h, int rgb) throws IOException {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, rgb);
      }
    }
    assertTrue(ImageIO.write(img, format, file.toFile()));
  }

  @Test
  void sniffsContentNotExtensionAndOrdersDeterministically() throws IOException {
    Path b = Files.createDirectories(tmp.resolve("b_yes"));
    Path a = Files.createDirectories(tmp.resolve("a_no"));
    writeRgb(b.resolve("2.jpg"), "png", 10, 6, 0x804020); // PNG content under a .jpg name
    writeRgb(b.resolve("10.jpg"), "jpg", 8, 8, 0xffffff);
    writeRgb(a.resolve("z.png"), "png", 5, 5, 0x000000);
    Files.writeString(a.resolve(".DS_Store"), "hidden files are skipped");
    ImageFolder.Listing listing = ImageFolder.scan(tmp);
    assertEquals(List.of("a_no", "b_yes"), listing.classNames());
    assertEquals(List.of("z.png", "10.jpg", "2.jpg"),
        listing.files().stream().map(p -> p.getFileName().toString()).toList());
    assertArrayEquals(new int[] {0, 1, 1}, listing.labels());

    ImageDataset rgb = ImageFolder.read(listing, FolderOptions.square(4, ColourMode.RGB), "t");
    assertEquals(3, rgb.channels());
    float[] png = rgb.images()[2]; // the PNG named 2.jpg, a flat colour: exact after resizing
    assertEquals(0x80 / 255f, png[0], 1e-6);
    assertEquals(0x40 / 255f, png[16 + 5], 1e-6);
    assertEquals(0x20 / 255f, png[32 + 15], 1e-6);

    ImageDataset gray = ImageFolder.read(listing, FolderOptions.square(4, ColourMode.GRAYSCALE),
        "t");
    double luma = 0.299 * 0x80 / 255 + 0.587 * 0x40 / 255 + 0.114 * 0x20 / 255;
    assertEquals(luma, gray.images()[2][7], 1e-6);
    assertEquals(0f, gray.images()[0][0], 1e-6);
  }

  @Test
  void grayscalePngKeepsItsValues() throws IOException {
    Path c = Files.createDirectories(tmp.resolve("c"));
    BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
    img.getRaster().setSample(0, 0, 0, 100);
    img.getRaster().setSample(1, 0, 0, 200);
    ImageIO.write(img, "png", c.resolve("g.png").toFile());
    ImageDataset d = ImageFolder.read(tmp, new FolderOptions(1, 2, ColourMode.GRAYSCALE), "g");
    // read through getRGB, Java's linear-gray conversion would give about 168 and 228
    assertEquals(100 / 255f, d.images()[0][0], 1e-6);
    assertEquals(200 / 255f, d.images()[0][1], 1e-6);
  }

  @Test
  void refusesNonImageContentNamingTheFile() throws IOException {
    Path c = Files.createDirectories(tmp.resolve("c"));
    Files.writeString(c.resolve("notes.jpg"), "not an image");
    DatasetException e = assertThrows(DatasetException.class,
        () -> ImageFolder.read(tmp, FolderOptions.square(8, ColourMode.RGB), "x"));
    assertTrue(e.getMessage().contains("notes.jpg") && e.getMessage().contains("not a JPEG"),
        e.getMessage());
  }

  @Test
  void areaResizeAveragesCoveredPixels() {
    float[] src = {
      1, 2, 3, 4,
      5, 6, 7, 8,
      9, 10, 11, 12,
      13, 14, 15, 16};
    assertArrayEquals(new float[] {3.5f, 5.5f, 11.5f, 13.5f},
        AreaResize.resize(src, 4, 4, 2, 2), 1e-6f);
    // 3 -> 2: output 0 covers input 0 fully and half of input 1
    float[] row = AreaResize.resize(new float[] {0, 3, 6}, 1, 3, 1, 2);
    assertEquals((0 + 1.5) / 1.5, row[0], 1e-6);
    assertEquals((1.5 + 6) / 1.5, row[1], 1e-6);
    float[] constant = new float[7 * 13];
    java.util.Arrays.fill(constant, 0.25f);
    for (float v : AreaResize.resize(constant, 7, 13, 5, 3)) {
      assertEquals(0.25f, v, 1e-6f);
    }
  }
}
