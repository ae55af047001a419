-- One database per service: no service reads another's tables.
CREATE DATABASE catalog;
CREATE DATABASE orders;
CREATE DATABASE shipping;
CREATE DATABASE payments;
CREATE DATABASE notifications;
CREATE DATABASE moderation;
CREATE DATABASE gateway;
