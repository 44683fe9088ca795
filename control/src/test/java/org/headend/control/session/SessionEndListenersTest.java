package org.headend.control.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.headend.control.config.ConfigStore;
import org.headend.control.http.ClientInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Who hears that a session ended: a service that comes and goes with the configuration (IKEv2, started by each
 * {@code crypto ikev2 enable}) takes its listener out when it stops, so that enabling and disabling it again and
 * again leaves one listener, not one per start.
 */
class SessionEndListenersTest
{
    private static final ClientInfo CLIENT = new ClientInfo("10.77.0.2", 500, 4500, "", "IKEv2", "");

    private final ScheduledExecutorService control = Executors.newSingleThreadScheduledExecutor();
    private final ConfigStore config = ConfigStore.embeddedDefault("unused-password");
    private SessionManager sessions;

    @BeforeEach
    void setUp() throws Exception
    {
        config.replace("""
            username demo password demo-secret
            group-policy DfltGrpPolicy attributes
             vpn-tunnel-protocol ikev2
            """, "test");
        sessions = new SessionManager(control, null, new AddressPools(Set.of(), Set.of()), null,
            (group, user) -> config.current().effectivePolicy(group, user), System::nanoTime, Clock.systemUTC());
    }

    @AfterEach
    void tearDown()
    {
        control.shutdownNow();
    }

    private void loginAndEnd(final String why)
    {
        final SessionManager.Login login = sessions.open("demo", "DefaultRAGroup", "DfltGrpPolicy", CLIENT);
        assertNotNull(login);
        sessions.end(login.session(), why);
    }

    @Test
    void shouldCallOnlyTheListenersOfServicesStillRunningOnceEach()
    {
        final List<String> heard = new ArrayList<>();
        // three enable/disable cycles of a service, then one that stays
        for (int start = 1; start <= 3; start++)
        {
            final int which = start;
            final Runnable remove = sessions.onEnd((view, why) -> heard.add("service " + which + ": " + why));
            remove.run();
        }
        sessions.onEnd((view, why) -> heard.add("running service: " + why + " (" + view.username() + ")"));

        loginAndEnd("logoff");

        assertEquals(List.of("running service: logoff (demo)"), heard);
    }

    @Test
    void shouldKeepOtherListenersWhenOneIsTakenOut()
    {
        final List<String> heard = new ArrayList<>();
        sessions.onEnd((view, why) -> heard.add("accounting: " + why));
        final Runnable ike = sessions.onEnd((view, why) -> heard.add("ike: " + why));
        loginAndEnd("first");
        ike.run();
        ike.run();
        loginAndEnd("second");

        assertEquals(List.of("accounting: first", "ike: first", "accounting: second"), heard);
    }
}
