package org.privmed.eval.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class TextTableTest {
    @Test
    void fixedWidthPadsAndRightAlignsNumbers() {
        String t = TextTable.fixedWidth(List.of("Client", "Images", "Class"),
                List.of(List.of("hospital-a", "12", "x"), List.of("b", "1234", "yy")));
        assertEquals(""
                + "Client      Images  Class\n"
                + "----------  ------  -----\n"
                + "hospital-a      12  x\n"
                + "b             1234  yy\n", t);
    }

    @Test
    void markdownEscapesPipesAndMarksNumericColumns() {
        String t = TextTable.markdown(List.of("a|b", "n"), List.of(List.of("x|y", "0.5000")));
        assertEquals("| a\\|b | n |\n|---|---:|\n| x\\|y | 0.5000 |\n", t);
    }

    @Test
    void rejectsRaggedRows() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TextTable.fixedWidth(List.of("a", "b"), List.of(List.of("1"))));
        assertEquals("row 0 has 1 cells but there are 2 headers", e.getMessage());
    }

    @Test
    void cellsFormatUnitsAndMissingValues() {
        assertEquals("n/a", Cells.metric(Double.NaN));
        assertEquals("0.9777", Cells.metric(0.97771));
        assertEquals("—", Cells.millis(Double.NaN));
        assertEquals("0.250 ms", Cells.millis(0.25));
        assertEquals("95.0 ms", Cells.millis(95));
        assertEquals("2.90 s", Cells.millis(2895));
        assertEquals("12.5 min", Cells.millis(750_000));
        assertEquals("1023 B", Cells.bytes(1023));
        assertEquals("476.0 KiB", Cells.bytes(476 * 1024));
        assertEquals("1.9 GiB".length(), Cells.bytes(2_040_109_466L).length() - 1);
        assertEquals("0.00019", Cells.extra(1.9e-4));
        assertEquals("6", Cells.extra(6.0));
        assertEquals("10", Cells.extra(10));
    }
}
