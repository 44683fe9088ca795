package org.headend.control.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sessions file's text: it reads back what it wrote and refuses anything else as a whole. */
class SessionFileFormatTest
{
    private static final Instant T0 = Instant.parse("2026-12-07T03:00:00Z");

    @Test
    void shouldReadBackWhatItWrote() throws Exception
    {
        final List<SessionRecord> records = List.of(FileSessionStoreTest.record(1, "alice smith", 0xC0A8640A),
            FileSessionStoreTest.record(7, "bob\nroot", 0xC0A8640B));
        final SessionFileFormat.Contents contents = SessionFileFormat.decode(SessionFileFormat.encode(T0, records));
        assertEquals(T0, contents.savedAt());
        assertEquals(records, contents.records());
    }

    @Test
    void shouldKeepEveryRecordOnOneLineWhateverItsText()
    {
        final String text = new String(SessionFileFormat.encode(T0,
            List.of(FileSessionStoreTest.record(1, "a b\nc\td%", 0xC0A8640A))), StandardCharsets.UTF_8);
        assertEquals(3, text.lines().count(), text);
        assertTrue(text.contains(" a%20b%0Ac%09d%25 "), text);
    }

    @Test
    void shouldRefuseASessionListedTwice()
    {
        final SessionRecord one = FileSessionStoreTest.record(1, "alice", 0xC0A8640A);
        final var ex = assertThrows(SessionFileFormat.BadFileException.class,
            () -> SessionFileFormat.decode(SessionFileFormat.encode(T0, List.of(one, one))));
        assertTrue(ex.getMessage().contains("twice"), ex.getMessage());
    }

    @Test
    void shouldRefuseAnotherVersionAndBadFieldsEvenWithAGoodChecksum()
    {
        assertRefused("headend-sessions 2 1765076400000\n", "version");
        final String good = "1 " + FileSessionStoreTest.key(1) + " alice G GP 1765076400000 1765076400000 - - - - - - - "
            + "10.0.0.1 ~\n";
        assertRefused("headend-sessions 1 1765076400000\n" + good.replace(" alice ", " al ice "), "fields");
        assertRefused("headend-sessions 1 1765076400000\n" + good.replace(FileSessionStoreTest.key(1), "secret"),
            "cookie hash");
        assertRefused("headend-sessions 1 1765076400000\n" + good.replace("0 - - - - - - - ", "0 - P 10.0.0.300 255.0.0.0 - - - "),
            "IPv4");
        assertRefused("headend-sessions 1 1765076400000\n" + good.replace("0 - - - - - - - ", "0 - P 10.0.0.3 255.0.255.0 - - - "),
            "netmask");
        assertRefused("headend-sessions 1 1765076400000\n" + good.replace(" alice ", " al%ZZice "), "text");
        assertRefused("headend-sessions 1 1765076400000\n" + good.replace("1765076400000 1765076400000", "-5 1"),
            "time");
    }

    @Test
    void shouldKeepADhcpLeaseWithItsServerHardwareAddressAndExpiry() throws Exception
    {
        final SessionRecord dhcp = dhcpRecord(3, new DhcpBinding(0x0A4E0002, 0x02A1B2C3D4E5L, T0.plusSeconds(90)));
        final SessionRecord infinite = dhcpRecord(4, new DhcpBinding(0x0A4E0003, 0x020000000001L, null));
        final List<SessionRecord> records = List.of(FileSessionStoreTest.record(1, "alice", 0xC0A8640A), dhcp,
            infinite);
        final byte[] file = SessionFileFormat.encode(T0, records);
        assertEquals(records, SessionFileFormat.decode(file).records());
        final String text = new String(file, StandardCharsets.UTF_8);
        assertTrue(text.contains(" 10.78.0.2,02a1b2c3d4e5," + T0.plusSeconds(90).toEpochMilli() + "\n"), text);
        assertTrue(text.contains(" 10.78.0.3,020000000001,-\n"), text);
        assertFalse(text.lines().toList().get(1).contains(","), "a pool session's line is as before: " + text);
    }

    @Test
    void shouldKeepWhatAnAaaServerAssignedBesideADhcpLease() throws Exception
    {
        final java.net.Inet4Address framed = java.net.Inet4Address.ofLiteral("10.44.0.7");
        final SessionRecord local = FileSessionStoreTest.record(1, "alice", 0xC0A8640A);
        final SessionRecord all = withAaa(dhcpRecord(2, new DhcpBinding(0x0A4E0002, 0x02A1B2C3D4E5L, null)),
            new AaaAssignment("SALES POLICY", framed, "ACL,1"));
        final SessionRecord policyOnly = withAaa(FileSessionStoreTest.record(3, "bob", 0xC0A8640B),
            new AaaAssignment("GP", null, null));
        final List<SessionRecord> records = List.of(local, all, policyOnly);
        final byte[] file = SessionFileFormat.encode(T0, records);
        assertEquals(records, SessionFileFormat.decode(file).records());
        final List<String> lines = new String(file, StandardCharsets.UTF_8).lines().toList();
        assertFalse(lines.get(1).contains("aaa="), "a local login's line is as before: " + lines.get(1));
        assertTrue(lines.get(2).endsWith(",- aaa=SALES%20POLICY,10.44.0.7,ACL%2C1"), lines.get(2));
        assertTrue(lines.get(3).endsWith(" aaa=GP,-,-"), lines.get(3));
    }

    @Test
    void shouldRefuseABadAaaField()
    {
        final String good = "1 " + FileSessionStoreTest.key(1) + " alice G GP 1765076400000 1765076400000 - - - - - - - "
            + "10.0.0.1 ~ aaa=GP,10.44.0.7,-\n";
        assertRefused("headend-sessions 1 1765076400000\n" + good.replace("10.44.0.7", "10.44.0.256"), "IPv4");
        assertRefused("headend-sessions 1 1765076400000\n" + good.replace("aaa=GP,10.44.0.7,-", "aaa=-,-,-"),
            "assigns nothing");
        assertRefused("headend-sessions 1 1765076400000\n" + good.replace(",-\n", "\n"), "bad AAA assignment");
        assertRefused("headend-sessions 1 1765076400000\n" + good.replace("\n", " x\n"), "fields");
    }

    private static SessionRecord withAaa(final SessionRecord r, final AaaAssignment aaa)
    {
        return new SessionRecord(r.index(), r.tokenKey(), r.username(), r.tunnelGroup(), r.groupPolicy(),
            r.loginTime(), r.lastActivity(), r.disconnectedSince(), r.lease(), r.lease6(), r.clientAddress(),
            r.userAgent(), r.dhcp(), aaa);
    }

    @Test
    void shouldStillReadLinesWrittenBeforeDhcpLeasesWereKept() throws Exception
    {
        // a line as the earlier format wrote it, DHCP pool and all, with no DHCP field: read, with no binding
        final String line = "5 " + FileSessionStoreTest.key(5) + " carol G GP 1765076400000 1765076400000 - %2Adhcp "
            + "10.60.0.12 255.255.255.0 - - - 10.0.0.1 ~\n";
        final SessionRecord read = SessionFileFormat.decode(withTrailer("headend-sessions 1 1765076400000\n" + line))
            .records().getFirst();
        assertEquals(new AddressPools.Lease(AddressPools.DHCP, 0x0A3C000C, 0xFFFFFF00), read.lease());
        assertNull(read.dhcp());
    }

    @Test
    void shouldRefuseABadDhcpField()
    {
        final String good = "1 " + FileSessionStoreTest.key(1) + " alice G GP 1765076400000 1765076400000 - %2Adhcp "
            + "10.60.0.12 255.255.255.0 - - - 10.0.0.1 ~ 10.78.0.2,02a1b2c3d4e5,-\n";
        assertRefused("headend-sessions 1 1765076400000\n" + good.replace(",02a1b2c3d4e5,", ",02a1b2c3d4e5ff,"),
            "not a DHCP lease");
        assertRefused("headend-sessions 1 1765076400000\n" + good.replace("10.78.0.2,", "10.78.0.256,"), "IPv4");
        assertRefused("headend-sessions 1 1765076400000\n" + good.replace(",-\n", ",5\n"), "time");
        assertRefused("headend-sessions 1 1765076400000\n" + good.replace("%2Adhcp", "POOL"),
            "DHCP lease without its DHCP address");
        assertRefused("headend-sessions 1 1765076400000\n" + good.replace("\n", " x\n"), "fields");
    }

    private static SessionRecord dhcpRecord(final int index, final DhcpBinding binding)
    {
        return new SessionRecord(index, FileSessionStoreTest.key(index), "dave", "G", "GP", T0.minusSeconds(60),
            T0.minusSeconds(5), null, new AddressPools.Lease(AddressPools.DHCP, 0x0A3C000C + index, 0xFFFFFF00), null,
            "10.0.0.1", "ua", binding);
    }

    /** A body with a correct trailer (so only the content can fail). */
    private static void assertRefused(final String body, final String reason)
    {
        final var ex = assertThrows(SessionFileFormat.BadFileException.class,
            () -> SessionFileFormat.decode(withTrailer(body)));
        assertTrue(ex.getMessage().contains(reason), ex.getMessage() + " (expected: " + reason + ")");
    }

    private static byte[] withTrailer(final String body)
    {
        final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        final java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(bytes);
        return (body + "end " + (body.lines().count() - 1) + " " + String.format("%08x", crc.getValue()) + "\n")
            .getBytes(StandardCharsets.UTF_8);
    }
}
