"""Every write of the sales context: opportunities, orders and products, one module each."""
