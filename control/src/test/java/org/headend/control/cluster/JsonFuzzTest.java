package org.headend.control.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * The reader of etcd's answers under arbitrary text, as a broken or hostile etcd endpoint may send it: {@link Json}
 * refuses with an {@link IllegalArgumentException} that says why (depth, size, syntax) — never another exception or
 * a stack overflow — or returns a value that, written back, reads as the same value. The corpus holds a range and a
 * transaction answer as etcd 3.4's gateway writes them, escapes, and a document nested past the depth limit.
 */
class JsonFuzzTest
{
    @FuzzTest
    void anyTextParsesToAValueThatWritesBackOrIsRefusedClearly(final byte[] input)
    {
        final String text = new String(input, StandardCharsets.UTF_8);
        final Object value;
        try
        {
            value = Json.parse(text);
        }
        catch (final IllegalArgumentException ex)
        {
            assertNotNull(ex.getMessage());
            return;
        }
        assertEquals(value, Json.parse(Json.write(value)), "what is written back reads as the same value");
    }
}
