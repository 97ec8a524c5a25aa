package io.memagent.agent.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SecretsTest {
    @Test
    void urlsAreMaskedTheWayPgjdbcSplitsThem() {
        assertEquals("jdbc:postgresql://h/db?user=u&password=****&ssl=true",
                Secrets.mask("jdbc:postgresql://h/db?user=u&password=pw;Secret99&ssl=true"));
        assertEquals("jdbc:postgresql://h/db?sslpassword=****&sslkeypassphrase=****&PASSWORD=****",
                Secrets.mask("jdbc:postgresql://h/db?sslpassword=a&sslkeypassphrase=b&PASSWORD=c"));
        assertEquals("jdbc:postgresql://****@h:5432/db", Secrets.mask("jdbc:postgresql://u:p@ss@h:5432/db"));
        assertEquals("postgresql://h/db&password=****", Secrets.mask("postgresql://h/db&password=hunter2"));
        assertEquals("Unable to parse URL jdbc:postgresql://h/db&password=**** more",
                Secrets.mask("Unable to parse URL jdbc:postgresql://h/db&password=hunter2 more"));
        assertEquals("jdbc:postgresql://h/db?user=u&ApplicationName=x", Secrets.mask("jdbc:postgresql://h/db?user=u&ApplicationName=x"));
        String once = "url = '" + Secrets.mask("jdbc:postgresql://h/db?password=x") + "' is bad"; // as Property.show does
        assertEquals("url = 'jdbc:postgresql://h/db?password=****' is bad", Secrets.mask(once), "masking twice changes nothing");
        Secrets.registerFrom("jdbc:postgresql://h/db?password=Registered77");
        assertEquals("the driver said ****", Secrets.mask("the driver said Registered77"));
    }
}
