package org.headend.control.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.headend.control.config.DtlsCompression;
import org.headend.control.config.SslCompression;
import org.headend.dataplane.api.CompressionMethod;
import org.junit.jupiter.api.Test;

/** The policy picks, the client must have offered, the global switch can veto. */
class CompressionChoiceTest
{
    /** What openconnect 9 sends on CSTP with --compression=all (stateless leaves out deflate). */
    private static final String OPENCONNECT_ALL = "oc-lz4,lzs,deflate";
    private static final String OPENCONNECT_STATELESS = "oc-lz4,lzs";

    @Test
    void shouldGiveTheClientThePolicysMethodWhenItOfferedIt()
    {
        assertEquals(CompressionMethod.DEFLATE, CompressionChoice.cstp(true, SslCompression.DEFLATE, OPENCONNECT_ALL));
        assertEquals(CompressionMethod.LZS, CompressionChoice.cstp(true, SslCompression.LZS, OPENCONNECT_STATELESS));
        assertEquals(CompressionMethod.LZS, CompressionChoice.dtls(true, DtlsCompression.LZS, OPENCONNECT_STATELESS));
    }

    @Test
    void shouldAnswerNothingForAMethodTheClientDidNotOffer()
    {
        assertEquals(CompressionMethod.NONE, CompressionChoice.cstp(true, SslCompression.DEFLATE,
            OPENCONNECT_STATELESS), "openconnect's default leaves deflate out");
        assertEquals(CompressionMethod.NONE, CompressionChoice.cstp(true, SslCompression.LZS, null));
        assertEquals(CompressionMethod.NONE, CompressionChoice.dtls(true, DtlsCompression.LZS, "oc-lz4"));
        assertEquals(CompressionMethod.NONE, CompressionChoice.dtls(true, DtlsCompression.LZS, ""));
    }

    @Test
    void shouldCompressNothingWhenThePolicyOrTheGlobalSwitchSaysNo()
    {
        assertEquals(CompressionMethod.NONE, CompressionChoice.cstp(true, SslCompression.NONE, OPENCONNECT_ALL));
        assertEquals(CompressionMethod.NONE, CompressionChoice.dtls(true, DtlsCompression.NONE, OPENCONNECT_ALL));
        assertEquals(CompressionMethod.NONE, CompressionChoice.cstp(false, SslCompression.DEFLATE, OPENCONNECT_ALL),
            "no compression [svc] vetoes the group-policy");
        assertEquals(CompressionMethod.NONE, CompressionChoice.dtls(false, DtlsCompression.LZS, OPENCONNECT_ALL));
    }

    @Test
    void shouldReadTheListTheWayHttpWritesIt()
    {
        assertTrue(CompressionChoice.offered(" LZS , deflate", CompressionMethod.LZS));
        assertTrue(CompressionChoice.offered("deflate;q=1.0", CompressionMethod.DEFLATE), "very old clients");
        assertFalse(CompressionChoice.offered("deflate;q=0", CompressionMethod.DEFLATE), "q=0 means not acceptable");
        assertFalse(CompressionChoice.offered("deflate; q=0.000, lzs", CompressionMethod.DEFLATE));
        assertFalse(CompressionChoice.offered("lzsx,xlzs,oc-lz4", CompressionMethod.LZS), "whole names only");
        assertFalse(CompressionChoice.offered("lzs", CompressionMethod.NONE));
    }

    /** Found by ConnectHeadersFuzzTest: an item of only ";" made the CONNECT throw. */
    @Test
    void shouldSkipAnItemWithoutAToken()
    {
        assertFalse(CompressionChoice.offered(";", CompressionMethod.LZS));
        assertTrue(CompressionChoice.offered(";,lzs", CompressionMethod.LZS));
    }
}
