package org.headend.control.config.grammar;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Leases hold IPv4 addresses as big-endian ints; the CLI, logs and CONNECT answers show them dotted. */
class Ipv4FormatTest
{
    @Test
    void shouldFormatLeaseIntWhenHighBitIsSet()
    {
        assertEquals("192.168.100.10", Ipv4.format(0xC0A8_640A));
        assertEquals("255.255.255.0", Ipv4.format(0xFFFF_FF00));
    }

    @Test
    void shouldFormatEdgesWhenAllZeroOrLowByteOnly()
    {
        assertEquals("0.0.0.0", Ipv4.format(0));
        assertEquals("0.0.0.1", Ipv4.format(1));
    }
}
