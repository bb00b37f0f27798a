set session characteristics as transaction read only
