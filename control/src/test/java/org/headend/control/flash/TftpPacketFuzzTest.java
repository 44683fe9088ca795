package org.headend.control.flash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;

/**
 * What a TFTP server sends, under arbitrary datagrams: each is refused with an {@link IOException} that says why, or
 * read into a reply within the limits (block numbers 16-bit, data inside the datagram, at most 8 printable options,
 * a printable error text of at most 255 characters) that encodes back to a datagram read as the same reply.
 */
class TftpPacketFuzzTest
{
    @FuzzTest
    void repliesParseToWhatTheyReEncodeOrAreRefused(final FuzzedDataProvider data) throws IOException
    {
        final byte[] datagram = data.consumeRemainingAsBytes();
        final TftpPacket.Reply reply;
        try
        {
            reply = TftpPacket.parse(datagram, datagram.length);
        }
        catch (final IOException ex)
        {
            assertNotNull(ex.getMessage());
            assertFalse(ex.getMessage().isBlank());
            return;
        }
        final byte[] again = new byte[4 + 2 * TftpPacket.MAX_OPTIONS * (TftpPacket.MAX_TEXT + 1) + datagram.length];
        final int length = switch (reply)
        {
            case TftpPacket.Data d ->
            {
                assertTrue(d.block() >= 0 && d.block() <= 0xffff);
                assertEquals(4, d.offset());
                assertEquals(datagram.length - 4, d.length());
                System.arraycopy(datagram, 4, again, 4, d.length());
                yield TftpPacket.dataHeader(again, d.block(), d.length());
            }
            case TftpPacket.Ack a -> TftpPacket.ack(again, a.block());
            case TftpPacket.Error e ->
            {
                assertTrue(e.message().length() <= TftpPacket.MAX_TEXT);
                assertTrue(e.message().chars().allMatch(c -> c >= 0x20 && c < 0x7f), e.message());
                yield TftpPacket.error(again, e.code(), e.message());
            }
            case TftpPacket.OptionAck o ->
            {
                assertTrue(o.options().size() <= TftpPacket.MAX_OPTIONS && !o.options().isEmpty());
                yield TftpPacket.optionAck(again, o.options());
            }
        };
        assertEquals(reply, TftpPacket.parse(again, length), "the reply does not read back the same");
    }
}
