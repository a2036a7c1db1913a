"""The photographs shipped with ConvScope (``static/images/``): their catalogue and pixels."""
