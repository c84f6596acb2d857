"""Planning a night: twilight and the moon, what is observable, a schedule saved as a plan."""
