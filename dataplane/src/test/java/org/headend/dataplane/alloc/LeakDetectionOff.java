package org.headend.dataplane.alloc;

import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test class with Netty's sampling leak detector off, as {@code ./headend} runs the appliance: the detector
 * records a stack trace for one buffer in 128, which an allocation count would charge to the data path. The level
 * found before is put back after the class.
 */
final class LeakDetectionOff implements BeforeAllCallback, AfterAllCallback
{
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LeakDetectionOff.class);

    @Override
    public void beforeAll(final ExtensionContext context)
    {
        context.getStore(NAMESPACE).put("level", ResourceLeakDetector.getLevel());
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }

    @Override
    public void afterAll(final ExtensionContext context)
    {
        ResourceLeakDetector.setLevel(context.getStore(NAMESPACE).get("level", ResourceLeakDetector.Level.class));
    }
}
