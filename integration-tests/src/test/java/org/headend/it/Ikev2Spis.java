package org.headend.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SPIs of one IKEv2 client's SAs as both ends show them: strongSwan's {@code swanctl --list-sas} and the
 * appliance's {@code show crypto ikev2 sa} / {@code show crypto ipsec sa}. Hex, lower case, without {@code 0x}.
 *
 * @param ikeInitiator the client's IKE SPI
 * @param ikeResponder the appliance's IKE SPI
 * @param espToClient  the SPI of ESP the appliance sends (the client's inbound)
 * @param espToServer  the SPI of ESP the client sends (the appliance's inbound)
 */
record Ikev2Spis(String ikeInitiator, String ikeResponder, String espToClient, String espToServer)
{
    private static final Pattern CLIENT_IKE = Pattern.compile("([0-9a-f]{16})_i\\*? ([0-9a-f]{16})_r");
    private static final Pattern CLIENT_IN = Pattern.compile("\\bin\\s+([0-9a-f]{8})");
    private static final Pattern CLIENT_OUT = Pattern.compile("\\bout\\s+([0-9a-f]{8})");
    private static final Pattern SERVER_IKE = Pattern.compile("Local spi: ([0-9A-F]{16})\\s+Remote spi: ([0-9A-F]{16})");
    private static final Pattern SERVER_OUT = Pattern.compile("current outbound spi: ([0-9A-F]{8})");
    private static final Pattern SERVER_IN = Pattern.compile("current inbound spi : ([0-9A-F]{8})");

    /** From {@code swanctl --list-sas --ike NAME} with one IKE SA and one installed CHILD_SA. */
    static Ikev2Spis ofClient(final String listSas)
    {
        final Matcher ike = find(CLIENT_IKE, listSas);
        return new Ikev2Spis(ike.group(1), ike.group(2), find(CLIENT_IN, listSas).group(1),
            find(CLIENT_OUT, listSas).group(1));
    }

    /** From the appliance's {@code show crypto ikev2 sa} and {@code show crypto ipsec sa} with one client. */
    static Ikev2Spis ofServer(final String ikev2Sa, final String ipsecSa)
    {
        final Matcher ike = find(SERVER_IKE, ikev2Sa);
        return new Ikev2Spis(ike.group(2).toLowerCase(Locale.ROOT), ike.group(1).toLowerCase(Locale.ROOT),
            find(SERVER_OUT, ipsecSa).group(1).toLowerCase(Locale.ROOT), find(SERVER_IN, ipsecSa).group(1).toLowerCase(Locale.ROOT));
    }

    /** Whether the IKE SPIs differ from {@code before}'s (the IKE SA was replaced). */
    boolean newIkeSa(final Ikev2Spis before)
    {
        return !ikeInitiator.equals(before.ikeInitiator) && !ikeResponder.equals(before.ikeResponder);
    }

    /** Whether both ESP SPIs differ from {@code before}'s (the CHILD_SA was replaced). */
    boolean newChildSa(final Ikev2Spis before)
    {
        return !espToClient.equals(before.espToClient) && !espToServer.equals(before.espToServer);
    }

    private static Matcher find(final Pattern pattern, final String text)
    {
        final Matcher m = pattern.matcher(text);
        assertTrue(m.find(), "no " + pattern + " in:\n" + text);
        return m;
    }
}
