package org.privmed.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Runs {@code bench secagg} end to end at a toy size and checks what its JSON reports. */
class BenchSecAggCommandTest {

  @Test
  void jsonReportsBothModesWithTheProtocolsExtraBytes() {
    PrintStream saved = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    try (PrintStream capture = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
      System.setOut(capture);
      int code = new CommandLine(new PrivMed()).execute("bench", "secagg", "--clients", "3,5", "--params", "1000", "--reps", "1",
          "--threads", "2", "--json");
      assertEquals(0, code);
    } finally {
      System.setOut(saved);
    }
    JsonObject root = JsonParser.parseString(buffer.toString(StandardCharsets.UTF_8)).getAsJsonObject();
    assertEquals(1000, root.get("params").getAsInt());
    JsonArray rows = root.getAsJsonArray("rows");
    assertEquals(2, rows.size());
    for (int i = 0; i < rows.size(); i++) {
      JsonObject r = rows.get(i).getAsJsonObject();
      assertEquals(i == 0 ? 3 : 5, r.get("clients").getAsInt());
      JsonObject plain = r.getAsJsonObject("plain");
      JsonObject secure = r.getAsJsonObject("secagg");
      // 1,000 float32 values plus the message's framing.
      assertTrue(plain.get("bytes_up_per_client").getAsDouble() > 4000, plain.toString());
      // The masked vector (1,001 words with the weight) plus keys and encrypted shares.
      assertTrue(secure.get("bytes_up_per_client").getAsDouble() > plain.get("bytes_up_per_client").getAsDouble(), r.toString());
      assertTrue(secure.get("bytes_down_per_client").getAsDouble() > 0, secure.toString());
      assertTrue(secure.get("coordinator_ms").getAsDouble() > 0, secure.toString());
      assertEquals(secure.get("coordinator_ms").getAsDouble() + secure.get("client_ms_max").getAsDouble(),
          secure.get("round_ms").getAsDouble(), 1e-9);
    }
  }
}
