<?php

declare(strict_types=1);

namespace FleetPressExample\Greeting;

/**
 * Builds the greeting the Hello Fleet plugin prints.
 */
final class Greeter
{
    private function __construct(private readonly string $fleetName)
    {
    }

    public static function of(string $fleetName): self
    {
        return new self($fleetName);
    }

    public function greeting(): string
    {
        return sprintf('Hello from the %s fleet!', $this->fleetName);
    }
}
