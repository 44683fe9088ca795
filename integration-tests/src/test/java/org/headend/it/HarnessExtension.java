package org.headend.it;

import java.io.PrintStream;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Prints what every process started for the failing test class said (appliance, openconnect, tools, ocserv),
 * plus the connect scripts' logs, when a test or a set-up method fails; and checks the tools are in place.
 * Use with {@code @ExtendWith(HarnessExtension.class)}.
 */
public final class HarnessExtension implements BeforeAllCallback, TestWatcher, LifecycleMethodExecutionExceptionHandler
{
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(HarnessExtension.class);
    private static final int DUMP_LINES = Integer.getInteger("hdit.dumpLines", 200);

    @Override
    public void beforeAll(final ExtensionContext context)
    {
        context.getStore(NS).put("firstProcess", ManagedProcess.registered());
        Netns.removeStale();
        Prerequisites.check();
    }

    @Override
    public void testFailed(final ExtensionContext context, final Throwable cause)
    {
        dump(context, "test " + context.getDisplayName() + " failed: " + cause);
    }

    @Override
    public void handleBeforeAllMethodExecutionException(final ExtensionContext context, final Throwable ex)
        throws Throwable
    {
        dump(context, "set-up of " + context.getDisplayName() + " failed: " + ex);
        throw ex;
    }

    @Override
    public void handleBeforeEachMethodExecutionException(final ExtensionContext context, final Throwable ex)
        throws Throwable
    {
        dump(context, "set-up of " + context.getDisplayName() + " failed: " + ex);
        throw ex;
    }

    private static void dump(final ExtensionContext context, final String why)
    {
        final Integer first = findFirst(context);
        final PrintStream out = System.out;
        out.println();
        out.println("################ " + why);
        for (final ManagedProcess p : ManagedProcess.since(first == null ? 0 : first))
        {
            p.dump(out, DUMP_LINES);
        }
        out.println("################ end of " + context.getDisplayName());
        out.flush();
    }

    private static Integer findFirst(final ExtensionContext context)
    {
        ExtensionContext c = context;
        while (c != null)
        {
            final Integer v = c.getStore(NS).get("firstProcess", Integer.class);
            if (v != null)
            {
                return v;
            }
            c = c.getParent().orElse(null);
        }
        return null;
    }
}
