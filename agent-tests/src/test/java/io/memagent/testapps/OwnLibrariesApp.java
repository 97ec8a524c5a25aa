package io.memagent.testapps;

import io.memagent.api.ProfileMemory;
import java.util.Map;

/**
 * An app that ships its own, older Byte Buddy and Jackson (on its class path, used by
 * reflection so this test source needs neither) and keeps using them with the agent attached.
 */
public class OwnLibrariesApp {
    static volatile Object sink;

    @ProfileMemory
    static String useJackson() throws Exception {
        Object mapper = Class.forName("com.fasterxml.jackson.databind.ObjectMapper").getConstructor().newInstance();
        return (String) mapper.getClass().getMethod("writeValueAsString", Object.class).invoke(mapper, Map.of("answer", 42));
    }

    @ProfileMemory
    static Class<?> useByteBuddy() throws Exception {
        Class<?> byteBuddy = Class.forName("net.bytebuddy.ByteBuddy");
        Object bb = byteBuddy.getConstructor().newInstance();
        Object builder = byteBuddy.getMethod("subclass", Class.class).invoke(bb, Object.class);
        Object unloaded = Class.forName("net.bytebuddy.dynamic.DynamicType$Builder").getMethod("make").invoke(builder);
        Object loaded = Class.forName("net.bytebuddy.dynamic.DynamicType$Unloaded")
                .getMethod("load", ClassLoader.class).invoke(unloaded, OwnLibrariesApp.class.getClassLoader());
        return (Class<?>) Class.forName("net.bytebuddy.dynamic.DynamicType$Loaded").getMethod("getLoaded").invoke(loaded);
    }

    public static void main(String[] args) throws Exception {
        for (int i = 0; i < 5; i++) {
            sink = useJackson();
            sink = useByteBuddy();
        }
        System.out.println("json=" + useJackson());
        System.out.println("generated=" + (useByteBuddy().getSuperclass() == Object.class));
        System.out.println("byteBuddyFrom=" + Class.forName("net.bytebuddy.ByteBuddy").getProtectionDomain().getCodeSource().getLocation());
        System.out.println("jacksonVersion=" + Class.forName("com.fasterxml.jackson.databind.cfg.PackageVersion").getField("VERSION").get(null));
    }
}
