package org.headend.control.ike.eap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HexFormat;
import org.headend.control.auth.radius.MsChapV2;
import org.junit.jupiter.api.Test;

class MsChapV2KeysTest
{
    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    /** RFC 3079 §3.5.3 sample: user "User", password "clientPass", the RFC 2759 §9.2 challenges. */
    @Test
    void shouldDeriveTheRfc3079SampleMasterKeyAndStartKey()
    {
        final byte[] passwordHash = MsChapV2.ntPasswordHash("clientPass");
        assertEquals("44EBBA8D5312B8D611474411F56989AE", HEX.formatHex(passwordHash));
        final byte[] ntResponse = MsChapV2.ntResponseFromHash(HEX.parseHex("5B5D7C7D7B3F2F3E3C2C602132262628"),
            HEX.parseHex("21402324255E262A28295F2B3A337C7E"), "User", passwordHash);
        assertEquals("82309ECD8D708B5EA08FAA3981CD83544233114A3D85D6DF", HEX.formatHex(ntResponse));
        final byte[] master = MsChapV2Keys.masterKey(passwordHash, ntResponse);
        assertEquals("FDECE3717A8C838CB388E527AE3CDD31", HEX.formatHex(master));
        // the RFC's SendStartKey128 is the server's send key, which is the client's receive key (Magic3)
        assertEquals("8B7CDC149B993A1BA118CB153F56DCCB", HEX.formatHex(MsChapV2Keys.clientKey(master, false)));
        final byte[] msk = MsChapV2Keys.msk(passwordHash, ntResponse);
        assertEquals(64, msk.length);
        assertEquals(HEX.formatHex(MsChapV2Keys.clientKey(master, true)), HEX.formatHex(msk, 0, 16),
            "the server's receive key first");
        assertEquals("8B7CDC149B993A1BA118CB153F56DCCB", HEX.formatHex(msk, 16, 32), "then its send key");
        assertEquals("00".repeat(32), HexFormat.of().formatHex(msk, 32, 64));
    }
}
