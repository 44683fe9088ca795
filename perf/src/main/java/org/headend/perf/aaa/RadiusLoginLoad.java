package org.headend.perf.aaa;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.headend.control.auth.radius.RadiusClient;
import org.headend.control.config.AaaServerGroup;
import org.headend.control.config.AaaServerHost;

/**
 * PAP (or MS-CHAPv2) logins through the appliance's RADIUS client against a real server, as fast as
 * {@code concurrency} outstanding requests allow: prints logins per second and the latency percentiles. Run by
 * {@code perf/scripts/radius-logins.sh}, which starts FreeRADIUS for it.
 * <p>
 * Arguments: {@code HOST PORT SECRET USER PASSWORD TOTAL CONCURRENCY [pap|mschapv2]}.
 */
public final class RadiusLoginLoad
{
    private RadiusLoginLoad()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final InetAddress host = InetAddress.getByName(args[0]);
        final int port = Integer.parseInt(args[1]);
        final int total = Integer.parseInt(args[5]);
        final int concurrency = Integer.parseInt(args[6]);
        final boolean msChapV2 = args.length > 7 && "mschapv2".equals(args[7]);
        final AaaServerGroup group = new AaaServerGroup("LOAD", "radius", 3, false, 10,
            List.of(new AaaServerHost("inside", host, args[2], port, port + 1, 10, 2, false, null, msChapV2)));
        try (RadiusClient client = RadiusClient.start(group, "perf", System::nanoTime))
        {
            LoginLoad.measure(msChapV2 ? "RADIUS MS-CHAPv2" : "RADIUS PAP", client::authenticate, args[3], args[4],
                total, concurrency, Duration.ofSeconds(30));
        }
    }
}
