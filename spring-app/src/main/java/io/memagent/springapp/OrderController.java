package io.memagent.springapp;

import io.memagent.api.ProfileMemory;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

@RestController
public class OrderController {
    private final OrderService orders;

    public OrderController(OrderService orders) {
        this.orders = orders;
    }

    /** 200 with the order; 400 for an id longer than 8 characters; 404 for an unknown one. */
    @ProfileMemory
    @GetMapping("/orders/{id}")
    public Map<String, Object> get(@PathVariable String id) {
        if (id.length() > 8) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "id longer than 8 characters");
        }
        return orders.find(id).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no order " + id));
    }

    @ProfileMemory
    @PostMapping("/orders/{id}")
    public Map<String, Object> create(@PathVariable String id, @RequestParam long amount) {
        orders.save(id, amount);
        return Map.of("id", id, "amount", amount);
    }

    /** The app's own figures around one {@code OrderService.report(n)} call (not profiled itself). */
    @GetMapping("/measured/{n}")
    public Map<String, Object> measured(@PathVariable int n) {
        return orders.measured(n);
    }

    /** The app's own figures around one {@code OrderService.summarize(n)} call (no database). */
    @GetMapping("/summary/{n}")
    public Map<String, Object> summary(@PathVariable int n) {
        return orders.measuredSummary(n);
    }
}
