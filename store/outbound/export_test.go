package outbound

import "time"

// SetTimeout shortens how long a request may take, for tests of the timeout.
func (c *Client) SetTimeout(d time.Duration) { c.timeout = d }
