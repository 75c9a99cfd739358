/**
 * Event categories and the departments that handle them, after the grid
 * catalogues of Chinese cities (城市管理, 市场监管, 社会治理 …). Category codes
 * are what events, the routing decision and department queues use.
 */
export const CATEGORIES = {
  road_damage: 'Road damage',
  manhole_cover: 'Missing or broken manhole cover',
  street_light: 'Street light out',
  traffic_signal: 'Traffic signal fault',
  illegal_parking: 'Illegal parking',
  abandoned_vehicle: 'Abandoned vehicle',
  shared_bike_clutter: 'Shared bikes blocking the way',
  garbage: 'Uncollected garbage',
  garbage_sorting: 'Garbage not sorted',
  construction_waste: 'Construction waste dumped',
  street_cleaning: 'Street not cleaned',
  public_toilet: 'Public toilet out of order',
  illegal_vending: 'Unlicensed street vending',
  occupying_road: 'Shop occupying the road',
  illegal_advertising: 'Illegal posters or advertising',
  illegal_construction: 'Illegal construction',
  noise: 'Noise',
  air_pollution: 'Smoke, dust or odour',
  water_pollution: 'Water pollution',
  cooking_fumes: 'Restaurant cooking fumes',
  water_supply: 'Water supply interrupted',
  pipe_leak: 'Burst or leaking pipe',
  drainage_blockage: 'Blocked drain or waterlogging',
  gas_leak: 'Gas smell or leak',
  power_outage: 'Power outage',
  heating: 'Heating failure',
  tree_damage: 'Fallen or damaged tree',
  green_space_damage: 'Damaged green space',
  stray_animals: 'Stray animals',
  neighbour_dispute: 'Neighbour dispute',
  family_dispute: 'Family dispute',
  property_management: 'Property management complaint',
  wage_arrears: 'Unpaid wages',
  labour_dispute: 'Labour dispute',
  food_safety: 'Food safety',
  market_order: 'Price fraud or market disorder',
  counterfeit_goods: 'Counterfeit goods',
  fire_hazard: 'Fire hazard',
  blocked_fire_exit: 'Blocked fire exit',
  building_safety: 'Unsafe building',
  elevator_fault: 'Elevator fault',
  production_safety: 'Workplace safety hazard',
  hazardous_chemicals: 'Hazardous chemicals',
  public_security: 'Public security concern',
  school_surroundings: 'Safety around a school',
  elderly_care: 'Elderly person needing care',
  mental_health: 'Person with mental-health needs',
  vulnerable_groups: 'Vulnerable person needing help',
  medical_service: 'Medical service complaint',
  epidemic_prevention: 'Disease prevention concern',
  public_transport: 'Bus or metro service',
  taxi_service: 'Taxi or ride-hailing complaint',
  housing_security: 'Public housing',
  demolition_compensation: 'Demolition or relocation compensation',
  flood_risk: 'Flood or landslide risk',
  river_pollution: 'River litter or pollution',
  telecom_facility: 'Telecom cables or facilities',
  community_service: 'Community service request',
  civil_affairs: 'Civil affairs (marriage, burial, subsidies)',
  pet_nuisance: 'Pet nuisance',
} as const;

export type CategoryCode = keyof typeof CATEGORIES;

export interface DepartmentPlan {
  readonly code: string;
  readonly name: string;
  readonly categories: readonly CategoryCode[];
  /** Relative size of the department's staff, for spreading the clerks. */
  readonly staff: number;
  /** Whether the department runs a system of its own that is notified of routed events. */
  readonly hasApi: boolean;
}

const d = (code: string, name: string, staff: number, hasApi: boolean, ...categories: CategoryCode[]): DepartmentPlan => ({ code, name, staff, hasApi, categories });

export const DEPARTMENTS: readonly DepartmentPlan[] = [
  d('urban_management', 'Urban Management Bureau', 9, true, 'illegal_vending', 'occupying_road', 'illegal_advertising', 'illegal_construction', 'illegal_parking', 'shared_bike_clutter'),
  d('sanitation', 'Environmental Sanitation Office', 8, true, 'garbage', 'garbage_sorting', 'street_cleaning', 'public_toilet', 'construction_waste'),
  d('roads', 'Roads and Bridges Administration', 6, true, 'road_damage', 'manhole_cover'),
  d('street_lighting', 'Street Lighting Office', 3, true, 'street_light'),
  d('traffic_police', 'Traffic Police Detachment', 8, true, 'illegal_parking', 'abandoned_vehicle', 'traffic_signal'),
  d('public_security', 'Public Security Bureau', 9, true, 'public_security', 'school_surroundings', 'noise'),
  d('ecology_environment', 'Ecology and Environment Bureau', 5, true, 'air_pollution', 'water_pollution', 'cooking_fumes', 'noise'),
  d('water_supply', 'Water Supply Group', 5, true, 'water_supply', 'pipe_leak'),
  d('drainage', 'Drainage Management Office', 4, true, 'drainage_blockage', 'pipe_leak'),
  d('gas', 'Gas Group', 4, true, 'gas_leak'),
  d('power', 'Power Supply Company', 5, true, 'power_outage'),
  d('heating', 'Heating Company', 2, false, 'heating'),
  d('landscaping', 'Landscaping Bureau', 4, false, 'tree_damage', 'green_space_damage'),
  d('agriculture', 'Agriculture and Rural Affairs Bureau (animal control)', 2, false, 'stray_animals'),
  d('justice', 'Justice Bureau (people\'s mediation)', 6, false, 'neighbour_dispute', 'family_dispute'),
  d('petitions', 'Letters and Visits Bureau', 4, false, 'demolition_compensation', 'labour_dispute'),
  d('housing', 'Housing and Urban-Rural Development Bureau', 6, true, 'property_management', 'building_safety', 'housing_security'),
  d('human_resources', 'Human Resources and Social Security Bureau', 5, true, 'wage_arrears', 'labour_dispute'),
  d('market_regulation', 'Market Regulation Administration', 8, true, 'food_safety', 'market_order', 'counterfeit_goods', 'elevator_fault'),
  d('fire_rescue', 'Fire and Rescue Detachment', 5, true, 'fire_hazard', 'blocked_fire_exit'),
  d('emergency_management', 'Emergency Management Bureau', 5, true, 'production_safety', 'hazardous_chemicals', 'flood_risk'),
  d('education', 'Education Bureau', 4, false, 'school_surroundings'),
  d('civil_affairs', 'Civil Affairs Bureau', 5, false, 'elderly_care', 'vulnerable_groups', 'civil_affairs'),
  d('health', 'Health Commission', 5, true, 'medical_service', 'epidemic_prevention', 'mental_health'),
  d('disease_control', 'Center for Disease Control', 3, false, 'epidemic_prevention'),
  d('mental_health_center', 'Mental Health Center', 2, true, 'mental_health'),
  d('disabled_persons', 'Disabled Persons\' Federation', 2, false, 'vulnerable_groups'),
  d('womens_federation', 'Women\'s Federation', 2, false, 'family_dispute'),
  d('transport', 'Transport Bureau', 5, true, 'public_transport', 'taxi_service'),
  d('water_resources', 'Water Resources Bureau', 4, false, 'river_pollution', 'flood_risk'),
  d('natural_resources', 'Natural Resources and Planning Bureau', 4, false, 'illegal_construction', 'demolition_compensation'),
  d('telecom', 'Communications Administration', 2, true, 'telecom_facility'),
  d('pet_management', 'Dog Management Office', 2, false, 'pet_nuisance', 'stray_animals'),
  d('community_services', 'Community Service Center', 4, false, 'community_service', 'elderly_care'),
  d('property_association', 'Property Management Association', 2, false, 'property_management'),
  d('fire_building', 'Building Safety Inspection Station', 3, false, 'building_safety', 'elevator_fault'),
  d('enterprise_supervision', 'Enterprise Supervision Office', 3, true, 'production_safety', 'wage_arrears'),
  d('command_center', 'Social Governance Command Center', 6, true, 'community_service', 'public_security', 'neighbour_dispute'),
];
