package org.headend.control.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Compression settings: {@code anyconnect ssl compression lzs} (this appliance's extension) prints back as typed,
 * nothing is compressed unless a policy asks, and the global {@code compression} lines round-trip.
 */
class CompressionConfigTest
{
    private static final String CONFIG = """
        compression svc
        group-policy GP internal
        group-policy GP attributes
         webvpn
          anyconnect ssl compression lzs
          anyconnect dtls compression lzs
        group-policy DfltGrpPolicy attributes
         webvpn
          anyconnect ssl compression deflate
        """;

    @Test
    void shouldPrintLzsBackAsTypedAndCompileIt() throws ConfigException
    {
        final String rendered = ConfigLanguageTest.render(CONFIG);
        assertTrue(rendered.contains("\n  anyconnect ssl compression lzs\n"), rendered);
        assertEquals(rendered, ConfigLanguageTest.render(rendered));
        final HeadendConfig config = ConfigLanguageTest.compile(CONFIG);
        final GroupPolicy gp = config.groupPolicies().get("GP");
        assertEquals(SslCompression.LZS, gp.attributes().get(PolicyAttribute.SSL_COMPRESSION));
        assertEquals(DtlsCompression.LZS, gp.attributes().get(PolicyAttribute.DTLS_COMPRESSION));
        assertTrue(config.globals().compressionSvc());
    }

    @Test
    void shouldInheritTheDefaultGroupPolicysMethodAndOtherwiseCompressNothing() throws ConfigException
    {
        final HeadendConfig explicit = ConfigLanguageTest.compile(CONFIG);
        assertEquals(SslCompression.DEFLATE,
            explicit.effectivePolicy(HeadendConfig.DEFAULT_TUNNEL_GROUP, null).get(PolicyAttribute.SSL_COMPRESSION),
            "DefaultWEBVPNGroup uses DfltGrpPolicy, which asks for deflate");
        final HeadendConfig empty = ConfigLanguageTest.compile("hostname h\n");
        final EffectivePolicy policy = empty.effectivePolicy(HeadendConfig.DEFAULT_TUNNEL_GROUP, null);
        assertEquals(SslCompression.NONE, policy.get(PolicyAttribute.SSL_COMPRESSION));
        assertEquals(DtlsCompression.NONE, policy.get(PolicyAttribute.DTLS_COMPRESSION));
    }

    @Test
    void shouldLetNoCompressionTurnTunnelCompressionOffGlobally() throws ConfigException
    {
        assertFalse(ConfigLanguageTest.compile("no compression svc\n").globals().compressionSvc());
        assertFalse(ConfigLanguageTest.compile("no compression\n").globals().compressionSvc());
        assertTrue(ConfigLanguageTest.compile("no compression http-comp\n").globals().compressionSvc());
    }
}
