package org.headend.it;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@link IkeInteropIT} and {@link EspInteropIT} set up alike: an interop responder on this test's class path in
 * the server namespace, and the strongSwan client's {@code home} connection, EAP-MSCHAPv2 as {@code alice} against
 * the responder's pre-shared key as {@code vpn.example.test}, AES-256-GCM with ECP-384, one child to 10.78.0.0/24
 * started by the test.
 */
final class InteropFixture
{
    private InteropFixture()
    {
    }

    /** Starts {@code main} in a JVM like this one with {@code jvmOptions}, in {@code namespace}, working in dir. */
    static ManagedProcess startResponder(final String label, final String namespace, final Path dir,
        final List<String> jvmOptions, final Class<?> main, final String... args)
    {
        final List<String> argv = new ArrayList<>();
        argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        argv.addAll(jvmOptions);
        argv.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        argv.addAll(List.of(args));
        return ManagedProcess.start(label, Netns.in(namespace, argv.toArray(String[]::new)), dir, Map.of());
    }

    /** Stops, of what a test's start made before it failed or finished, the responder, the namespaces, the client. */
    static void stop(final ManagedProcess responder, final Netns net, final StrongSwanClient strongswan)
        throws IOException
    {
        if (responder != null)
        {
            responder.stop(Duration.ofSeconds(5));
        }
        if (net != null)
        {
            net.close();
        }
        if (strongswan != null)
        {
            strongswan.close();
        }
    }

    /** The client's swanctl.conf; {@code connectionOptions} are extra lines of the {@code home} connection. */
    static String homeConnection(final String connectionOptions, final String password, final String serverPsk)
    {
        return """
            connections {
              home {
                version = 2
                remote_addrs = %s
                vips = 0.0.0.0
                %s
                proposals = aes256gcm16-prfsha384-ecp384
                local { auth = eap-mschapv2
                        eap_id = alice }
                remote { auth = psk
                         id = vpn.example.test }
                children {
                  home { remote_ts = 10.78.0.0/24
                         esp_proposals = aes256gcm16-ecp384
                         start_action = none }
                }
              }
            }
            secrets {
              eap-alice { id = alice
                          secret = "%s" }
              ike-server { id = vpn.example.test
                           secret = "%s" }
            }
            """.formatted(Netns.SERVER_ADDRESS, connectionOptions, password, serverPsk);
    }
}
