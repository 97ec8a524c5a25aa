package io.memagent.agent.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class CopyLineTest {
    @Test
    void escapesWhatCopyTextFormatRequires() {
        StringBuilder sb = new StringBuilder();
        new CopyLine(sb).text("a\tb\nc\\d\re").text(null).text("\"quoted\" 'x' \u00e9\u4e2d").text("nul\0").number(42L)
                .number((Long) null).bool(true).uuid(new UUID(1, 2)).timestamp(0L).end();
        assertEquals("a\\tb\\nc\\\\d\\re\t\\N\t\"quoted\" 'x' \u00e9\u4e2d\tnul\\\\u0000\t42\t\\N\tt\t"
                + "00000000-0000-0001-0000-000000000002\t1970-01-01T00:00:00Z\n", sb.toString());
    }
}
